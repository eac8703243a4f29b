"""The background worker: sends due webhook deliveries and runs Wagtail's scheduled publishing."""

import logging
import signal
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from delivery import feed, webhooks

logger = logging.getLogger(__name__)


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
