from django.core.management.base import BaseCommand

from newsletter import services
from newsletter.conf import conf


class Command(BaseCommand):
    help = "Send the confirmation emails that could not be sent (run it from cron)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=None,
            help="Give up on an address after this many failed sends "
            f"(default: NEWSLETTER['MAX_SEND_ATTEMPTS'], {conf('MAX_SEND_ATTEMPTS')}).",
        )
        parser.add_argument(
            "--min-age",
            type=int,
            default=60,
            help="Leave signups younger than this many seconds alone (their send may be "
            "in flight). Default 60.",
        )

    def handle(self, *args, max_attempts, min_age, **options):
        sent, failed = services.retry_unsent(max_attempts=max_attempts, min_age_seconds=min_age)
        self.stdout.write(f"Confirmations sent: {sent}, still failing: {failed}.")
