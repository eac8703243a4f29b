"""Every write to newsletter data goes through here.

Store first, send after commit: the subscriber row is committed before any email leaves, and a
failed send only leaves the row marked as owed a confirmation (see `retry_unsent`).
"""

import ipaddress
import logging
from dataclasses import dataclass, field
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from newsletter import emails, ratelimit, selectors, tokens
from newsletter.conf import conf
from newsletter.messages import error_message
from newsletter.models import Subscriber
from newsletter.validation import (
    InputError,
    clean_email,
    clean_locale,
    clean_source,
    message_locale,
)

logger = logging.getLogger(__name__)
Status = Subscriber.Status


@dataclass
class FieldError:
    field: str | None
    code: str
    message: str


@dataclass
class Result:
    ok: bool
    status: str | None = None
    errors: list[FieldError] = field(default_factory=list)


def failure(locale: str, *problems: tuple[str | None, str]) -> Result:
    return Result(
        ok=False,
        errors=[FieldError(f, code, error_message(code, locale)) for f, code in problems],
    )


def client_ip(request) -> str | None:
    """The client address: REMOTE_ADDR, or the X-Forwarded-For entry written by the outermost
    trusted proxy when NEWSLETTER["TRUSTED_PROXIES"] says how many there are."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = conf("TRUSTED_PROXIES")
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            remote = hops[-proxies]
    try:
        return str(ipaddress.ip_address(remote)) if remote else None
    except ValueError:
        return None


def hash_ip(ip: str | None) -> str:
    if not ip:
        return ""
    return salted_hmac("newsletter.ip", ip, algorithm="sha256").hexdigest()


def _ip_key(ip: str | None) -> str:
    """Rate-limit key for a client: its IPv4 address, or its IPv6 /64 (one subscriber line
    usually gets a whole /64, so counting single IPv6 addresses would be trivial to evade)."""
    if not ip:
        return "none"
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return hash_ip(ip)
    if address.version == 6:
        ip = str(ipaddress.ip_network(f"{address}/64", strict=False))
    return hash_ip(ip)


def _email_key(email: str) -> str:
    return salted_hmac("newsletter.ratelimit", email.lower(), algorithm="sha256").hexdigest()


def subscribe(
    *,
    email,
    consent,
    locale=None,
    source=None,
    honeypot=None,
    ip: str | None = None,
    site=None,
) -> Result:
    """Start (or restart) double opt-in. The answer is the same whether or not the address
    was already known, so the API cannot be used to test addresses."""
    answer_locale = message_locale(locale)
    ip_hash = hash_ip(ip)
    try:
        ratelimit.hit("ip", _ip_key(ip), *conf("RATE_LIMIT_PER_IP"))
    except ratelimit.RateLimited:
        return failure(answer_locale, (None, "RATE_LIMITED"))
    except ratelimit.LimiterUnavailable:
        return failure(answer_locale, (None, "TEMPORARILY_UNAVAILABLE"))

    if isinstance(honeypot, str) and honeypot.strip():
        # Bots get the normal answer and nothing happens.
        logger.info("newsletter honeypot filled; signup ignored")
        return Result(ok=True, status=Status.PENDING.name)

    problems = []
    values = {}
    for name, cleaner, raw in (
        ("email", clean_email, email),
        ("locale", clean_locale, locale),
        ("source", clean_source, source),
    ):
        try:
            values[name] = cleaner(raw)
        except InputError as exc:
            problems.append((exc.field, exc.code))
    if consent is not True:
        problems.append(("consent", "CONSENT_REQUIRED"))
    if problems:
        return failure(answer_locale, *problems)

    try:
        ratelimit.hit("email", _email_key(values["email"]), *conf("RATE_LIMIT_PER_EMAIL"))
    except ratelimit.RateLimited:
        return failure(answer_locale, (None, "RATE_LIMITED"))
    except ratelimit.LimiterUnavailable:
        return failure(answer_locale, (None, "TEMPORARILY_UNAVAILABLE"))

    _store(
        email=values["email"],
        locale=values["locale"],
        source=values["source"],
        consent_version=selectors.consent_version(site),
        ip_hash=ip_hash,
    )
    return Result(ok=True, status=Status.PENDING.name)


def _locked(email: str) -> Subscriber | None:
    return selectors.subscribers_with_email(email).select_for_update().first()


def _store(*, email, locale, source, consent_version, ip_hash) -> None:
    now = timezone.now()
    with transaction.atomic():
        subscriber = _locked(email)
        if subscriber is None:
            try:
                with transaction.atomic():
                    subscriber = Subscriber.objects.create(
                        email=email,
                        status=Status.PENDING,
                        locale=locale,
                        source=source,
                        consent_version=consent_version,
                        consent_at=now,
                        ip_hash=ip_hash,
                        created_at=now,
                    )
            except IntegrityError:
                # A concurrent signup for the same address won the insert; use its row.
                subscriber = _locked(email)
                if subscriber is None:
                    raise
            else:
                transaction.on_commit(partial(send_confirmation, subscriber.pk), robust=True)
                return

        if subscriber.status == Status.CONFIRMED:
            transaction.on_commit(partial(send_notice, subscriber.pk), robust=True)
            return

        # Pending or unsubscribed: restart double opt-in under the consent just given.
        subscriber.status = Status.PENDING
        subscriber.locale = locale
        subscriber.source = source
        subscriber.consent_version = consent_version
        subscriber.consent_at = now
        subscriber.ip_hash = ip_hash
        subscriber.confirmed_at = None
        subscriber.confirmation_sent_at = None
        subscriber.confirmation_attempts = 0
        subscriber.last_send_error = ""
        subscriber.save()
        transaction.on_commit(partial(send_confirmation, subscriber.pk), robust=True)


def _send(message) -> str | None:
    """Send; return None on success or the error's class name (never raise)."""
    try:
        message.send()
    except Exception as exc:
        logger.warning("newsletter email not sent: %s", type(exc).__name__)
        return type(exc).__name__[:200]
    return None


def send_confirmation(subscriber_id: int) -> bool:
    subscriber = Subscriber.objects.filter(pk=subscriber_id, status=Status.PENDING).first()
    if subscriber is None:
        return False
    error = _send(emails.confirmation_message(subscriber))
    Subscriber.objects.filter(pk=subscriber_id).update(
        confirmation_attempts=F("confirmation_attempts") + 1,
        confirmation_sent_at=None if error else timezone.now(),
        last_send_error=error or "",
    )
    return error is None


def send_notice(subscriber_id: int) -> bool:
    """Tell an already-confirmed address that someone tried to subscribe it again.
    Not retried: the subscription itself is unaffected if it is lost."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id, status=Status.CONFIRMED).first()
    if subscriber is None:
        return False
    return _send(emails.notice_message(subscriber)) is None


def retry_unsent(*, max_attempts: int | None = None, min_age_seconds: int = 60) -> tuple[int, int]:
    """Send every confirmation still owed. Returns (sent, failed)."""
    max_attempts = max_attempts or conf("MAX_SEND_ATTEMPTS")
    sent = failed = 0
    pending = selectors.unsent_confirmations(
        max_attempts=max_attempts, min_age_seconds=min_age_seconds
    )
    for pk in list(pending.values_list("pk", flat=True)):
        if send_confirmation(pk):
            sent += 1
        else:
            failed += 1
    return sent, failed


def _subscriber_for(purpose: str, token, locale) -> tuple[Subscriber | None, Result | None]:
    answer_locale = message_locale(locale)
    try:
        pk, digest = tokens.read_token(purpose, token)
    except tokens.TokenError as exc:
        return None, failure(answer_locale, ("token", exc.code))
    subscriber = Subscriber.objects.select_for_update().filter(pk=pk).first()
    if subscriber is not None and not tokens.matches(subscriber, digest):
        return None, failure(answer_locale, ("token", "INVALID_TOKEN"))
    return subscriber, None


@transaction.atomic
def confirm(token, locale=None) -> Result:
    subscriber, refused = _subscriber_for(tokens.CONFIRM, token, locale)
    if refused:
        return refused
    if subscriber is None or subscriber.status == Status.UNSUBSCRIBED:
        # Erased, or unsubscribed since the link was sent: the link no longer applies.
        return failure(message_locale(locale), ("token", "INVALID_TOKEN"))
    if subscriber.status == Status.PENDING:
        subscriber.status = Status.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
    return Result(ok=True, status=Status.CONFIRMED.name)


@transaction.atomic
def unsubscribe(token, locale=None) -> Result:
    subscriber, refused = _subscriber_for(tokens.UNSUBSCRIBE, token, locale)
    if refused:
        return refused
    # An erased subscriber is as unsubscribed as can be: same answer.
    if subscriber is not None and subscriber.status != Status.UNSUBSCRIBED:
        subscriber.status = Status.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at"])
    return Result(ok=True, status=Status.UNSUBSCRIBED.name)


EXPORT_FIELDS = [
    "email",
    "status",
    "locale",
    "source",
    "consent_version",
    "consent_at",
    "ip_hash",
    "created_at",
    "confirmed_at",
    "unsubscribed_at",
    "confirmation_sent_at",
    "confirmation_attempts",
]


def export(subscriber: Subscriber) -> dict:
    """Everything stored about one subscriber (GDPR access request), JSON-ready."""
    data = {}
    for name in EXPORT_FIELDS:
        value = getattr(subscriber, name)
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def erase(subscriber: Subscriber) -> None:
    """Delete the subscriber row for good (GDPR erasure). Logs the id, never the address."""
    pk = subscriber.pk
    subscriber.delete()
    logger.info("newsletter subscriber #%s erased", pk)
