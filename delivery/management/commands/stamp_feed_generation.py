from django.core.management.base import BaseCommand

from delivery import feed


class Command(BaseCommand):
    help = (
        "Give the change feed a new identity: cursors issued before (by this database before a "
        "restore, or by another environment) get RESYNC_REQUIRED. ops/restore.sh runs it."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Change feed generation is now {feed.new_generation()}.")
