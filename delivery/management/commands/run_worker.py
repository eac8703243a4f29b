"""The background worker: sends due webhook deliveries, runs Wagtail's scheduled publishing,
makes image renditions that are still missing (cms.renditions), rebuilds the article renders
left pending (news.renders.catch_up) and, once a day, drops old search statistics."""

import io
import logging
import signal
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from cms import renditions
from delivery import feed, webhooks
from news import renders

logger = logging.getLogger(__name__)

STATISTICS_EVERY = 24 * 3600.0


class Command(BaseCommand):
    help = (
        "Send webhook deliveries (with retries), publish/expire scheduled pages each minute and "
        "check the change feed against the content every hour."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Do one pass, then exit.")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between polls.")
        parser.add_argument(
            "--schedule-every", type=float, default=60.0, help="Seconds between publish_scheduled."
        )
        parser.add_argument(
            "--check-feed-every", type=float, default=3600.0, help="Seconds between check_feed."
        )

    def handle(
        self, *args, once=False, interval=2.0, schedule_every=60.0, check_feed_every=3600.0,
        **options,
    ):  # fmt: skip
        self.stopping = False
        if not once:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
        last_schedule = last_check = None
        broken_images: set[int] = set()
        last_statistics = None
        while True:
            if not connection.in_atomic_block:
                # Long-running loop: drop connections the database or the network closed.
                close_old_connections()
            now = time.monotonic()
            if last_schedule is None or now - last_schedule >= schedule_every:
                last_schedule = now
                try:
                    # Expiry and go-live happen here; the feed and webhooks follow from the
                    # page_published / page_unpublished signals they send.
                    call_command("publish_scheduled", verbosity=0)
                except Exception:
                    logger.exception("scheduled publishing failed")
                try:
                    made, failed = renditions.generate_missing(skip=broken_images)
                    # Images whose file cannot be read are not retried by this process.
                    broken_images.update(failed)
                    if made:
                        logger.info("made %d image rendition(s)", made)
                except Exception:
                    logger.exception("rendition generation failed")
                try:
                    # Renders a large change left missing, or whose linked page went live or
                    # expired: read afresh meanwhile, rebuilt here a chunk per pass.
                    built = renders.catch_up()
                    if built:
                        logger.info("built %d article render(s)", built)
                except Exception:
                    logger.exception("article render catch-up failed")
                if last_statistics is None or now - last_statistics >= STATISTICS_EVERY:
                    last_statistics = now
                    try:
                        # Search statistics: daily hits past WAGTAILSEARCH_HITS_MAX_AGE, then
                        # queries left with no hits and no promotion (frees the table's cap).
                        call_command("searchpromotions_garbage_collect", stdout=io.StringIO())
                    except Exception:
                        logger.exception("search statistics clean-up failed")
            if last_check is None or now - last_check >= check_feed_every:
                last_check = now
                try:
                    # Content written without Wagtail's signals (scripts, bulk loads) reaches
                    # the feed here at the latest.
                    repair = feed.reconcile()
                    if repair.upserts or repair.deletes:
                        logger.warning("change feed repaired: %s", repair)
                except Exception:
                    logger.exception("change feed check failed")
            try:
                sent = webhooks.send_due()
            except Exception:
                logger.exception("webhook sending failed")
                sent = 0
            if once:
                self.stdout.write(f"Attempted {sent} delivery(ies).")
                return
            if self.stopping:
                return
            if not sent:
                time.sleep(interval)

    def _stop(self, *args):
        self.stopping = True
