"""Signals news sends for other apps to follow, so news never imports them."""

from django.dispatch import Signal

# Sent by writers that bypass Wagtail's page signals (bulk loads): listeners such as the change
# feed re-read the content once instead of hearing about each page.
pages_bulk_written = Signal()
