"""Signals news sends for other apps to follow, so news never imports them."""

from django.dispatch import Signal

# Sent by bulk writers that skip Wagtail's page signals (create_random_data), once per batch,
# inside its transaction, with `ids`: the primary keys of the live articles just written.
# Listeners that index article by article (search) follow it.
articles_bulk_created = Signal()

# Sent once when a bulk writer has finished: listeners that compare whole sets (the change feed)
# re-read the content once instead of hearing about each batch.
pages_bulk_written = Signal()
