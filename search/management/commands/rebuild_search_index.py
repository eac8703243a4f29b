from django.core.management.base import BaseCommand

from search import services
from search.backends import get_backend


class Command(BaseCommand):
    help = "Index every live article for the public search and drop rows of the others."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        count = services.rebuild_index(batch_size=max(1, batch_size))
        self.stdout.write(f"Indexed {count} live articles ({get_backend().name} backend).")
