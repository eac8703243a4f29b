from django.core.management.base import BaseCommand, CommandError

from newsletter import services
from newsletter.management.commands.newsletter_export import find_subscriber


class Command(BaseCommand):
    help = "Delete one subscriber for good (GDPR erasure request)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, email, interactive, **options):
        subscriber = find_subscriber(email)
        if interactive:
            answer = input(f"Erase subscriber #{subscriber.pk} for good? Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing erased.")
        pk = subscriber.pk
        services.erase(subscriber)
        self.stdout.write(f"Subscriber #{pk} erased.")
