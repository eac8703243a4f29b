"""Signals of the news app, for feature apps that keep derived data in step with articles."""

from django.dispatch import Signal

# Sent by bulk writers that skip Wagtail's page signals (create_random_data), once per batch,
# inside its transaction, with `ids`: the primary keys of the live articles just written.
articles_bulk_created = Signal()
