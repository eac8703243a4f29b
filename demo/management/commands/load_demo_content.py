"""`manage.py load_demo_content`: the demo newsroom; running it again changes nothing."""

import time

from django.core.management.base import BaseCommand, CommandError

from cms.logging import quiet_loggers
from demo.loader import DemoContentError, DemoLoader

# Per-page INFO lines from Wagtail and the task runner would bury the progress messages.
CHATTY_LOGGERS = ("wagtail", "django_tasks")


# What the summary line calls each kind of row it created.
LABELS = {
    "articles": "articles",
    "authors": "auteurs",
    "home": "page d'accueil",
    "images": "images",
    "sections": "rubriques",
    "topics": "sujets",
}


class Command(BaseCommand):
    help = (
        "Load the demo newsroom (home page, sections, authors, topics, 40 articles). "
        "Existing content is detected by slug and left untouched."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        self.stdout.write("Chargement du contenu de démonstration…")
        loader = DemoLoader(log=lambda message: self.stdout.write(f"  {message}"))
        quiet = options["verbosity"] < 2
        try:
            with quiet_loggers(CHATTY_LOGGERS if quiet else ()):
                created = loader.run()
        except DemoContentError as exc:
            raise CommandError(f"Demo content is inconsistent: {exc}") from exc
        elapsed = time.monotonic() - started
        if created:
            summary = ", ".join(
                f"{LABELS.get(name, name)} : {count}" for name, count in sorted(created.items())
            )
            self.stdout.write(self.style.SUCCESS(f"Créé en {elapsed:.1f} s — {summary}"))
        else:
            self.stdout.write(self.style.SUCCESS("Contenu de démonstration déjà en place."))
