"""Webhook deliveries: queued in the transaction that makes the change, sent by the worker.

Each request carries:
  X-Kiosque-Event       the event name, e.g. article.published
  X-Kiosque-Delivery    the delivery id (stable across retries: receivers can de-duplicate)
  X-Kiosque-Timestamp   Unix seconds when this attempt was signed
  X-Kiosque-Signature   sha256=<hex HMAC-SHA256 of f"{timestamp}.{body}" keyed with the secret>

Unless KIOSQUE_WEBHOOK_ALLOW_PRIVATE is set, the worker only talks to public addresses: the
address actually connected to is checked (so a host name that resolves, or re-resolves, to a
private one is refused too), redirects are not followed and proxies from the environment are
not used.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from delivery.models import WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)


def conf(name: str):
    return settings.KIOSQUE_WEBHOOKS[name]


def enqueue(event: str, payload_or_factory) -> list[WebhookDelivery]:
    """Queue one delivery per active endpoint subscribed to `event`."""
    endpoints = [e for e in WebhookEndpoint.objects.filter(active=True) if e.wants(event)]
    if not endpoints:
        return []
    payload = payload_or_factory() if callable(payload_or_factory) else payload_or_factory
    now = timezone.now()
    return WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=e, event=event, payload=payload, next_attempt_at=now)
        for e in endpoints
    )


def page_payload(entry, event: str):
    def build():
        from wagtail.models import Page

        payload = {
            "event": event,
            "contentType": entry.content_type,
            "id": str(entry.object_id),
            "kind": entry.kind,
            "changeId": entry.pk,
            "occurredAt": entry.updated_at.isoformat(),
            "url": None,
        }
        if entry.kind == "UPSERT":
            page = Page.objects.filter(pk=entry.object_id).first()
            parts = page.get_url_parts() if page is not None else None
            payload["url"] = parts[2] if parts else None
        return payload

    return build


def redirect_payload(redirect, *, deleted: bool):
    return {
        "event": "redirect.changed",
        "id": str(redirect.pk),
        "oldPath": redirect.old_path,
        "deleted": deleted,
        "occurredAt": timezone.now().isoformat(),
    }


def sign(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, tolerance=300) -> bool:
    """What a receiver does (used by the tests): constant-time compare, reject stale stamps."""
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(time.time() - stamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, stamp, body), signature or "")


def backoff(attempts: int) -> timedelta:
    base = conf("BACKOFF_SECONDS")
    return timedelta(seconds=min(base * 2 ** (attempts - 1), conf("MAX_BACKOFF_SECONDS")))


class TargetNotAllowed(OSError):
    """The endpoint's address is loopback, private, link-local or otherwise not public."""


# IPv6 ranges that carry an IPv4 address (checked as that address) or lead nowhere public.
_GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def address_allowed(ip: str) -> bool:
    """Whether the worker may connect to this address: public unicast only, unless
    ALLOW_PRIVATE_TARGETS."""
    if conf("ALLOW_PRIVATE_TARGETS"):
        return True
    address = ipaddress.ip_address(ip.split("%", 1)[0])
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return _ipv4_allowed(address.ipv4_mapped)
        if address in _NAT64:  # the gateway would connect to the embedded IPv4 address
            return _ipv4_allowed(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if address.sixtofour is not None:
            return _ipv4_allowed(address.sixtofour)
        if address.teredo is not None or address not in _GLOBAL_UNICAST:
            return False
        return address.is_global
    return _ipv4_allowed(address)


def _ipv4_allowed(address: ipaddress.IPv4Address) -> bool:
    return address.is_global and not address.is_multicast


def _public_connection(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None):
    """socket.create_connection to the public addresses of the host only. Internal ones are
    dropped before connecting: the worker never touches them, and the error is the same
    whether an internal port is open or not."""
    host, port = address
    candidates = [
        info
        for info in socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
        if address_allowed(info[4][0])
    ]
    if not candidates:
        raise TargetNotAllowed(f"{host}: target address is not allowed (not public)")
    error = None
    for family, kind, proto, _name, sockaddr in candidates:
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _public_connection


class _HTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _public_connection


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_HTTPSConnection, req, context=self._context)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A 3xx reaches `send` as an HTTPError: a failed attempt, never a second request elsewhere.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(
    urllib.request.ProxyHandler({}), _NoRedirects, _HTTPHandler, _HTTPSHandler
)


def send(delivery: WebhookDelivery) -> None:
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    stamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 - admins configure http(s) URLs only
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Kiosque-Webhooks/1",
            "X-Kiosque-Event": delivery.event,
            "X-Kiosque-Delivery": str(delivery.pk),
            "X-Kiosque-Timestamp": str(stamp),
            "X-Kiosque-Signature": sign(delivery.endpoint.secret, stamp, body),
        },
    )
    delivery.attempts += 1
    code, error = None, ""
    try:
        if not delivery.endpoint.url.lower().startswith(("http://", "https://")):
            raise ValueError("only http and https URLs are allowed")
        with _opener.open(request, timeout=conf("TIMEOUT_SECONDS")) as response:
            code = response.status
    except urllib.error.HTTPError as exc:
        code, error = exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        error = str(getattr(exc, "reason", exc))[:500]
    delivery.response_code = code
    now = timezone.now()
    if code is not None and 200 <= code < 300:
        delivery.status = WebhookDelivery.Status.SENT
        delivery.sent_at = now
        delivery.last_error = ""
    else:
        delivery.last_error = error or f"HTTP {code}"
        if delivery.attempts >= conf("MAX_ATTEMPTS"):
            delivery.status = WebhookDelivery.Status.FAILED
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
    delivery.save()


def send_due(*, limit: int = 100) -> int:
    """Send the deliveries that are due; returns how many were attempted."""
    sent = 0
    for _ in range(limit):
        with transaction.atomic():
            qs = WebhookDelivery.objects.filter(
                status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=timezone.now()
            ).order_by("next_attempt_at", "pk")
            # Several workers may run: each claims a different row.
            delivery = qs.select_for_update(skip_locked=True).select_related("endpoint").first()
            if delivery is None:
                break
            if not delivery.endpoint.active:
                delivery.status = WebhookDelivery.Status.FAILED
                delivery.last_error = "endpoint disabled"
                delivery.save()
                continue
            send(delivery)
        sent += 1
    return sent
