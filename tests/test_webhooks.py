"""Webhooks: queued with the change, signed, sent by the worker with retries and backoff."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect

from delivery import webhooks
from delivery.models import ChangeLog, WebhookDelivery, WebhookEndpoint
from tests.factories import make_article, make_section, make_site

SECRET = "un-secret-partage"


class Receiver:
    """A real HTTP endpoint on 127.0.0.1 that checks signatures like a client would."""

    def __init__(self, statuses, location=None):
        self.statuses = list(statuses)
        self.location = location
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(
                    {
                        "headers": dict(self.headers),
                        "body": body,
                        "valid": webhooks.verify(
                            SECRET,
                            self.headers.get("X-Kiosque-Timestamp"),
                            body,
                            self.headers.get("X-Kiosque-Signature"),
                        ),
                    }
                )
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self):  # noqa: N802 - a followed redirect arrives as a GET
                receiver.requests.append({"headers": dict(self.headers), "valid": False})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    servers = []

    def start(*statuses, location=None):
        server = Receiver(statuses, location)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture(autouse=True)
def _fast_webhooks(settings):
    settings.KIOSQUE_WEBHOOKS = {**settings.KIOSQUE_WEBHOOKS, "TIMEOUT_SECONDS": 2,
                                 "MAX_ATTEMPTS": 3, "BACKOFF_SECONDS": 30}  # fmt: skip


@pytest.fixture
def monde(db):
    return make_section(make_site(), "Monde")


def endpoint(url, *events):
    return WebhookEndpoint.objects.create(
        name="Front", url=url, secret=SECRET, events=list(events)
    )


def work():
    call_command("run_worker", "--once", verbosity=0)


def make_due():
    WebhookDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))


@pytest.mark.django_db
def test_a_failed_delivery_is_retried_with_backoff_and_signed_each_time(monde, receiver):
    server = receiver(500, 200)
    endpoint(server.url, "article.published")
    article = make_article(monde, "Publié")
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.event == "article.published"
    assert server.requests == []  # nothing is sent from the publishing request itself

    work()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
    assert delivery.last_error == "HTTP 500"
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=25) < wait <= timedelta(seconds=30)

    work()  # not due yet
    assert len(server.requests) == 1

    make_due()
    work()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("sent", 2, 200)
    assert len(server.requests) == 2
    assert all(r["valid"] for r in server.requests)
    for request in server.requests:
        assert request["headers"]["X-Kiosque-Event"] == "article.published"
        assert request["headers"]["X-Kiosque-Delivery"] == str(delivery.pk)
        assert request["headers"]["X-Kiosque-Signature"].startswith("sha256=")
    body = json.loads(server.requests[-1]["body"])
    assert body["event"] == "article.published"
    assert body["id"] == str(article.pk)
    assert body["url"] == f"/monde/{article.slug}/"


@pytest.mark.django_db
def test_backoff_doubles_and_gives_up_after_max_attempts(monde, receiver):
    server = receiver(500, 503, 500, 200)
    endpoint(server.url, "article.published")
    make_article(monde, "Jamais reçu")
    waits = []
    for _ in range(3):
        make_due()
        before = timezone.now()
        work()
        delivery = WebhookDelivery.objects.get()
        waits.append(round((delivery.next_attempt_at - before).total_seconds() / 10) * 10)
    assert delivery.status == "failed" and delivery.attempts == 3
    assert waits[:2] == [30, 60]
    make_due()
    work()
    assert len(server.requests) == 3


@pytest.mark.django_db
def test_a_tampered_body_fails_verification():
    body = b'{"event":"article.published"}'
    stamp = int(timezone.now().timestamp())
    signature = webhooks.sign(SECRET, stamp, body)
    assert webhooks.verify(SECRET, str(stamp), body, signature)
    assert not webhooks.verify(SECRET, str(stamp), body + b" ", signature)
    assert not webhooks.verify("autre", str(stamp), body, signature)
    assert not webhooks.verify(
        SECRET, str(stamp - 3600), body, webhooks.sign(SECRET, stamp - 3600, body)
    )


@pytest.mark.django_db
def test_unpublish_delete_and_section_events(monde, receiver):
    server = receiver()
    endpoint(server.url, "article.unpublished", "article.deleted", "section.unpublished")
    gone = make_article(monde, "Dépublié")
    deleted = make_article(monde, "Supprimé")
    assert WebhookDelivery.objects.count() == 0  # not subscribed to published events
    gone.unpublish()
    deleted.delete()
    monde.unpublish()
    events = [(d.event, d.payload["id"]) for d in WebhookDelivery.objects.order_by("pk")]
    assert events == [
        ("article.unpublished", str(gone.pk)),
        ("article.deleted", str(deleted.pk)),
        ("section.unpublished", str(monde.pk)),
    ]
    work()
    assert len(server.requests) == 3 and all(r["valid"] for r in server.requests)


@pytest.mark.django_db
def test_redirect_changes_are_events(db, receiver):
    server = receiver()
    endpoint(server.url, "redirect.changed")
    redirect = Redirect.objects.create(old_path="/ancien", redirect_link="https://example.org/")
    redirect.delete()
    payloads = [d.payload for d in WebhookDelivery.objects.order_by("pk")]
    assert [(p["oldPath"], p["deleted"]) for p in payloads] == [
        ("/ancien", False),
        ("/ancien", True),
    ]


@pytest.mark.django_db
def test_inactive_endpoints_get_nothing(monde, receiver):
    server = receiver()
    hook = endpoint(server.url, "article.published")
    hook.active = False
    hook.save()
    make_article(monde, "Personne n'écoute")
    assert WebhookDelivery.objects.count() == 0


@pytest.mark.django_db
def test_deliveries_are_written_in_the_publishing_transaction(monde, receiver):
    server = receiver()
    endpoint(server.url, "article.published")
    article = make_article(monde, "Annulé", live=False)
    with pytest.raises(RuntimeError), transaction.atomic():
        article.save_revision().publish()
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("rollback")
    assert WebhookDelivery.objects.count() == 0
    assert not ChangeLog.objects.filter(object_id=article.pk).exists()


@pytest.mark.django_db
def test_an_unreachable_endpoint_is_logged_not_raised(monde):
    endpoint("http://127.0.0.1:9/hook", "article.published")
    make_article(monde, "Dans le vide")
    work()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.response_code is None and delivery.last_error


@pytest.mark.django_db
def test_editors_configure_endpoints_and_read_the_log_in_the_admin(client, monde):
    admin = get_user_model().objects.create_superuser("admin", "a@example.org", "pw")
    client.force_login(admin)
    response = client.post(
        "/admin/webhooks/new/",
        {"name": "Site web", "url": "https://front.example.org/hook", "secret": "s3cret",
         "events": ["article.published", "redirect.changed"], "active": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.content[:2000]
    hook = WebhookEndpoint.objects.get(name="Site web")
    assert hook.events == ["article.published", "redirect.changed"]
    make_article(monde, "Dans le journal")
    assert client.get("/admin/webhook_deliveries/").status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert client.get(f"/admin/webhook_deliveries/inspect/{delivery.pk}/").status_code == 200


@pytest.mark.django_db
def test_deleting_a_section_tombstones_its_articles_without_resurrecting_private_ones(monde):
    from wagtail.models import PageViewRestriction

    endpoint("http://127.0.0.1:9/hook", "article.published", "article.deleted")
    public = make_article(monde, "Public")
    private = make_article(monde, "Privé")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    WebhookDelivery.objects.all().delete()
    monde.delete()
    events = sorted((d.event, d.payload["id"]) for d in WebhookDelivery.objects.all())
    assert events == [("article.deleted", str(public.pk))]
    kinds = dict(ChangeLog.objects.values_list("object_id", "kind"))
    assert kinds[public.pk] == kinds[monde.pk] == "DELETE"
    assert kinds[private.pk] == "DELETE"


@pytest.fixture
def public_targets_only(settings):
    """Production's default: webhooks never reach loopback, private or link-local addresses."""
    settings.KIOSQUE_WEBHOOKS = {**settings.KIOSQUE_WEBHOOKS, "ALLOW_PRIVATE_TARGETS": False}


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_webhook_never_reaches_an_internal_address(monde, receiver, public_targets_only, host):
    """An endpoint URL (set in the admin, or by anyone who gets admin access) must not turn the
    worker into a client of internal services: the metadata service, the cache, the database."""
    server = receiver(200)
    endpoint(server.url.replace("127.0.0.1", host), "article.published")
    make_article(monde, "Publié")
    work()
    assert server.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.response_code is None
    assert "not allowed" in delivery.last_error


@pytest.mark.django_db
@pytest.mark.parametrize("status", [301, 302, 303])
def test_a_webhook_does_not_follow_redirects(monde, receiver, status):
    """A receiver answering 3xx could point the worker anywhere, past the check of the configured
    URL (urllib follows 301, 302 and 303 as GETs): a redirect is a failed delivery instead."""
    internal = receiver(200)
    public = receiver(status, location=internal.url)
    endpoint(public.url, "article.published")
    make_article(monde, "Publié")
    work()
    assert len(public.requests) == 1 and internal.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.response_code == status


@pytest.mark.django_db
def test_the_admin_refuses_an_internal_address(client, monde, public_targets_only):
    admin = get_user_model().objects.create_superuser("admin", "a@example.org", "pw")
    client.force_login(admin)
    for url in ("http://169.254.169.254/latest/meta-data/", "http://10.0.0.5/hook",
                "http://[::1]:8000/hook", "ftp://front.example.org/hook"):  # fmt: skip
        response = client.post(
            "/admin/webhooks/new/",
            {"name": "Interne", "url": url, "secret": "s3cret",
             "events": ["article.published"], "active": "on"},
        )  # fmt: skip
        assert response.status_code == 200, url
        expected = "http et https" if url.startswith("ftp") else "n&#x27;est pas publique"
        assert expected in response.content.decode(), url
        assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_a_closed_internal_port_looks_like_an_open_one(monde, public_targets_only):
    """Internal addresses are refused before any connection: the delivery log cannot be used
    to scan which internal ports are open."""
    endpoint("http://127.0.0.1:9/hook", "article.published")
    make_article(monde, "Publié")
    work()
    assert "not allowed" in WebhookDelivery.objects.get().last_error


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("93.184.215.14", True),
        ("2606:4700:4700::1111", True),
        ("64:ff9b::5db8:d70e", True),  # NAT64 of a public IPv4 address
        ("127.0.0.1", False),
        ("10.0.0.5", False),
        ("172.16.3.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),  # noqa: S104 - an address under test, not a bind
        ("224.0.0.1", False),
        ("::1", False),
        ("::", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("fec0::1", False),  # site-local
        ("::ffff:127.0.0.1", False),  # IPv4-mapped
        ("::127.0.0.1", False),  # IPv4-compatible
        ("::ffff:0:7f00:1", False),  # IPv4-translated
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 of 169.254.169.254
        ("64:ff9b:1::a00:5", False),  # local-use NAT64
        ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),  # Teredo
        ("ff02::1", False),
    ],
)
def test_only_public_unicast_addresses_are_allowed(settings, address, allowed):
    settings.KIOSQUE_WEBHOOKS = {**settings.KIOSQUE_WEBHOOKS, "ALLOW_PRIVATE_TARGETS": False}
    assert webhooks.address_allowed(address) is allowed
