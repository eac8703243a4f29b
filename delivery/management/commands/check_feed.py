from django.core.management.base import BaseCommand

from delivery import feed


class Command(BaseCommand):
    help = (
        "Compare the change feed with the live, public content and write UPSERT / DELETE entries "
        "for whatever differs (content written without Wagtail's signals: bulk loads, scripts)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report the differences, write nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        repair = feed.reconcile(dry_run=dry_run)
        if not repair.upserts and not repair.deletes:
            self.stdout.write("The change feed matches the content.")
            return
        verb = "Would write" if dry_run else "Repaired:"
        self.stdout.write(
            f"{verb} {repair.upserts} UPSERT and {repair.deletes} DELETE entr(y/ies) "
            f"in {len(repair.roots)} edition(s)."
        )
