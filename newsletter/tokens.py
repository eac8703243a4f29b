"""Signed, expiring tokens for confirmation and unsubscribe links.

A token carries the subscriber id and a keyed digest of the address, never the address itself
(tokens travel in URLs). Each purpose has its own salt, so one kind never passes for the other.
"""

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from newsletter.conf import conf

CONFIRM = "confirm"
UNSUBSCRIBE = "unsubscribe"
MAX_TOKEN_LENGTH = 200

_MAX_AGE_SETTING = {
    CONFIRM: "CONFIRM_TOKEN_MAX_AGE",
    UNSUBSCRIBE: "UNSUBSCRIBE_TOKEN_MAX_AGE",
}


class TokenError(Exception):
    code = "INVALID_TOKEN"


class TokenExpired(TokenError):
    code = "EXPIRED_TOKEN"


def _signer(purpose: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"newsletter.{purpose}")


def _digest(email: str) -> str:
    return salted_hmac("newsletter.token", email.lower(), algorithm="sha256").hexdigest()[:24]


def make_token(purpose: str, subscriber) -> str:
    return _signer(purpose).sign(f"{subscriber.pk}.{_digest(subscriber.email)}")


def read_token(purpose: str, token) -> tuple[int, str]:
    """Return (subscriber id, address digest), or raise TokenError / TokenExpired."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise TokenError
    try:
        value = _signer(purpose).unsign(token, max_age=conf(_MAX_AGE_SETTING[purpose]))
    except signing.SignatureExpired as exc:
        raise TokenExpired from exc
    except signing.BadSignature as exc:
        raise TokenError from exc
    pk, _, digest = value.partition(".")
    if not pk.isdigit() or not digest:
        raise TokenError
    return int(pk), digest


def matches(subscriber, digest: str) -> bool:
    return constant_time_compare(_digest(subscriber.email), digest)
