"""Newsletter settings with their defaults; `settings.NEWSLETTER` overrides any key."""

from django.conf import settings

DEFAULTS = {
    # Confirmation links expire after this many seconds.
    "CONFIRM_TOKEN_MAX_AGE": 7 * 24 * 3600,
    # Unsubscribe links sit in emails people read months later: they live longer.
    "UNSUBSCRIBE_TOKEN_MAX_AGE": 365 * 24 * 3600,
    # (requests, window in seconds)
    "RATE_LIMIT_PER_IP": (5, 60),
    "RATE_LIMIT_PER_EMAIL": (3, 3600),
    "RATE_LIMIT_CACHE": "ratelimit",
    # Number of reverse proxies in front of Kiosque that append to X-Forwarded-For (0: none).
    "TRUSTED_PROXIES": 0,
    # Base URL of Kiosque's own confirmation and unsubscribe pages; falls back to
    # WAGTAILADMIN_BASE_URL.
    "BASE_URL": None,
    # Frontend route for confirmation, e.g. "https://www.example.fr/newsletter?token={token}";
    # None means Kiosque's own page.
    "CONFIRM_URL": None,
    "FROM_EMAIL": None,
    "MAX_SEND_ATTEMPTS": 5,
    # Used when no site setting exists yet.
    "DEFAULT_CONSENT_VERSION": "2026-01",
}


def conf(name: str):
    overrides = getattr(settings, "NEWSLETTER", {}) or {}
    if name in overrides and overrides[name] is not None:
        return overrides[name]
    return DEFAULTS[name]


def base_url() -> str:
    return (conf("BASE_URL") or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
