"""Reads of newsletter data."""

from datetime import timedelta

from django.db.models.functions import Lower
from django.utils import timezone

from newsletter.conf import conf
from newsletter.models import NewsletterSettings, Subscriber


def subscribers_with_email(email: str):
    """Case-insensitive match, written so PostgreSQL can use the lower(email) unique index."""
    return Subscriber.objects.alias(email_lower=Lower("email")).filter(email_lower=email.lower())


def subscriber_by_email(email: str) -> Subscriber | None:
    return subscribers_with_email(email).first()


def unsent_confirmations(*, max_attempts: int, min_age_seconds: int):
    """Pending subscribers still owed a confirmation email, oldest first.

    Rows younger than `min_age_seconds` are left alone: their first send may be in flight.
    """
    cutoff = timezone.now() - timedelta(seconds=min_age_seconds)
    return Subscriber.objects.filter(
        status=Subscriber.Status.PENDING,
        confirmation_sent_at__isnull=True,
        confirmation_attempts__lt=max_attempts,
        consent_at__lte=cutoff,
    ).order_by("consent_at", "pk")


def box_settings(site) -> NewsletterSettings:
    """The site's box copy; the defaults when the site has none yet (read-only: no insert)."""
    found = NewsletterSettings.objects.filter(site=site).first() if site is not None else None
    if found is not None:
        return found
    return NewsletterSettings(site=site) if site is not None else NewsletterSettings()


def consent_version(site) -> str:
    if site is None:
        return conf("DEFAULT_CONSENT_VERSION")
    version = (
        NewsletterSettings.objects.filter(site=site)
        .values_list("consent_version", flat=True)
        .first()
    )
    return version or conf("DEFAULT_CONSENT_VERSION")
