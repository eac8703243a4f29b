from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from delivery.models import ChangeKind, ChangeLog, FeedState


class Command(BaseCommand):
    help = "Delete change-feed tombstones older than KIOSQUE_CHANGES_RETENTION_DAYS."

    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(days=settings.KIOSQUE_CHANGES_RETENTION_DAYS)
        with transaction.atomic():
            old = ChangeLog.objects.filter(kind=ChangeKind.DELETE, updated_at__lt=cutoff)
            highest = old.aggregate(Max("id"))["id__max"]
            if highest is None:
                self.stdout.write("Nothing to prune.")
                return
            state = FeedState.get()
            # Clients whose cursor is below this id may have missed a deletion.
            state.pruned_through = max(state.pruned_through, highest)
            state.save()
            count, _ = old.delete()
        self.stdout.write(f"Pruned {count} tombstone(s).")
