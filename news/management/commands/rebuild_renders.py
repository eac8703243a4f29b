"""Rebuild the stored article renders (news.renders): after a deploy that changes rendering,
or to catch up after a change too large to rebuild inline.

    manage.py rebuild_renders             # every live article
    manage.py rebuild_renders --missing   # only articles without a current render
"""

import time

from django.core.management.base import BaseCommand, CommandError

from cms.progress import write_progress
from news import renders
from news.models import ArticlePage, ArticleRender


class Command(BaseCommand):
    help = "Rebuild the stored render of every live article, in chunks, with a progress bar."

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing", action="store_true",
            help="only live articles without a current render (missing, older, past valid_until)",
        )  # fmt: skip
        parser.add_argument("--chunk", type=int, default=renders.CHUNK)

    def handle(self, *args, missing, chunk, **options):
        if not renders.enabled():
            raise CommandError("Stored renders are off (KIOSQUE_RENDERS=off): nothing to build.")
        if chunk < 1:
            raise CommandError("--chunk must be at least 1.")
        started = time.monotonic()
        # Renders of pages no longer live are never read: drop them.
        dropped, _ = ArticleRender.objects.exclude(page__live=True).delete()
        articles = renders.pending() if missing else ArticlePage.objects.live()
        total = articles.count()
        done = built = 0
        last = 0
        # Keyset pages of ids: memory stays one chunk of articles whatever the archive size.
        while True:
            ids = list(
                articles.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:chunk]
            )
            if not ids:
                break
            built += renders.build(ids)
            last = ids[-1]
            done += len(ids)
            write_progress(self.stdout, done, max(total, done))
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"\n{built} renders built in {elapsed:.1f} s"
            + (f" ({dropped} rows of unpublished articles dropped)." if dropped else ".")
        )
