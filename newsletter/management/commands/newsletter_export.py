import json

from django.core.management.base import BaseCommand, CommandError

from newsletter import selectors, services
from newsletter.validation import InputError, clean_email


def find_subscriber(email: str):
    try:
        address = clean_email(email)
    except InputError as exc:
        raise CommandError("Not a valid email address.") from exc
    subscriber = selectors.subscriber_by_email(address)
    if subscriber is None:
        raise CommandError("No subscriber with this address.")
    return subscriber


class Command(BaseCommand):
    help = "Print everything stored about one subscriber as JSON (GDPR access request)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        data = services.export(find_subscriber(email))
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
