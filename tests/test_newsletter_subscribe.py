"""subscribeNewsletter through POST /graphql/: every path, and what is (not) stored."""

import pytest
from django.core import mail
from django.utils.crypto import salted_hmac

from newsletter import services
from newsletter.models import NewsletterSettings, Subscriber
from tests.factories import make_site
from tests.newsletter_helpers import (
    SUBSCRIBE,
    assert_unsubscribe_headers,
    confirm_token,
    error_codes,
    subscribe,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(django_capture_on_commit_callbacks, mailoutbox):
    """Run the on-commit sends of whatever happens inside `with sent():`."""

    def capture():
        return django_capture_on_commit_callbacks(execute=True)

    return capture


def test_new_address_is_stored_pending_and_gets_a_confirmation(gql, sent, mailoutbox):
    with sent():
        result = subscribe(gql, "Lectrice@Example.fr", locale="fr", source="article:42")
    assert result == {"ok": True, "status": "PENDING", "errors": []}
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "Lectrice@example.fr"
    assert subscriber.status == Subscriber.Status.PENDING
    assert (subscriber.locale, subscriber.source) == ("fr", "article:42")
    assert subscriber.consent_at is not None
    assert subscriber.consent_version == "2026-01"
    assert subscriber.confirmation_sent_at is not None
    assert subscriber.confirmation_attempts == 1
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["Lectrice@example.fr"]
    assert "Confirmez" in message.subject
    assert confirm_token(message)
    assert message.alternatives[0][1] == "text/html"
    assert_unsubscribe_headers(message)


def test_english_readers_get_english_mail(gql, sent, mailoutbox):
    with sent():
        subscribe(gql, "reader@example.com", locale="en-GB")
    assert mailoutbox[0].subject == "Please confirm your newsletter subscription"
    assert "Hello" in mailoutbox[0].body
    assert 'lang="en"' in mailoutbox[0].alternatives[0][0]


def test_ip_is_stored_only_as_a_keyed_hash(gql, sent):
    with sent():
        subscribe(gql, ip="198.51.100.23")
    stored = Subscriber.objects.get().ip_hash
    assert "198.51.100.23" not in stored
    assert stored == salted_hmac("newsletter.ip", "198.51.100.23", algorithm="sha256").hexdigest()


def test_consent_version_comes_from_the_site_settings(gql, sent):
    home = make_site()
    site = home.get_site()
    NewsletterSettings.objects.create(site=site, consent_version="2026-03-b")
    with sent():
        subscribe(gql)
    assert Subscriber.objects.get().consent_version == "2026-03-b"


def test_known_addresses_get_the_same_answer_as_new_ones(gql, sent, mailoutbox):
    with sent():
        first = subscribe(gql, "lectrice@example.fr")
        again = subscribe(gql, "LECTRICE@example.fr")
    assert first == again == {"ok": True, "status": "PENDING", "errors": []}
    assert Subscriber.objects.count() == 1
    # Still pending: a fresh confirmation goes out.
    assert len(mailoutbox) == 2
    assert all("Confirmez" in m.subject for m in mailoutbox)


def test_confirmed_address_gets_a_notice_not_a_second_confirmation(gql, sent, mailoutbox):
    with sent():
        subscribe(gql, "lectrice@example.fr")
    services.confirm(confirm_token(mailoutbox[0]))
    mailoutbox.clear()
    with sent():
        result = subscribe(gql, "Lectrice@Example.FR", locale="en")
    assert result == {"ok": True, "status": "PENDING", "errors": []}
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert len(mailoutbox) == 1
    notice = mailoutbox[0]
    assert "déjà inscrit" in notice.subject  # the subscriber's own language, not the request's
    assert "/newsletter/confirm/" not in notice.body
    assert_unsubscribe_headers(notice)


def test_unsubscribed_address_can_subscribe_again(gql, sent, mailoutbox):
    with sent():
        subscribe(gql, "lectrice@example.fr", source="home")
    subscriber = Subscriber.objects.get()
    subscriber.status = Subscriber.Status.UNSUBSCRIBED
    subscriber.save()
    mailoutbox.clear()
    with sent():
        result = subscribe(gql, "lectrice@example.fr", locale="en", source="article:7")
    assert result["ok"] is True
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    assert (subscriber.locale, subscriber.source) == ("en", "article:7")
    assert len(mailoutbox) == 1
    assert services.confirm(confirm_token(mailoutbox[0])).ok
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.unsubscribed_at is None


@pytest.mark.parametrize(
    ("variables", "field", "code"),
    [
        ({"email": "pas-une-adresse"}, "email", "INVALID_EMAIL"),
        ({"email": "a" * 250 + "@example.fr"}, "email", "INVALID_EMAIL"),
        ({"email": "lectrice@example.fr\r\nBcc: x@example.fr"}, "email", "INVALID_EMAIL"),
        ({"email": "élise@example.fr"}, "email", "UNSUPPORTED_EMAIL"),
        ({"consent": False}, "consent", "CONSENT_REQUIRED"),
        ({"locale": "de"}, "locale", "INVALID_LOCALE"),
        ({"locale": "fr-" + "x" * 300}, "locale", "INVALID_LOCALE"),
        ({"source": "s" * 101}, "source", "INVALID_SOURCE"),
        ({"source": "home\r\nX-Injected: 1"}, "source", "INVALID_SOURCE"),
    ],
)
def test_bad_input_is_a_clear_error_and_stores_nothing(
    gql, sent, mailoutbox, variables, field, code
):
    args = {"email": "lectrice@example.fr", "consent": True, **variables}
    with sent():
        response = gql.post(SUBSCRIBE, args)
    assert response.status_code == 200
    result = response.json()["data"]["subscribeNewsletter"]
    assert result["ok"] is False
    assert result["status"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [(field, code)]
    assert result["errors"][0]["message"]
    assert Subscriber.objects.count() == 0
    assert mailoutbox == []


def test_every_problem_is_reported_at_once(gql):
    result = subscribe(gql, "nope", consent=False, locale="xx", source="\n")
    assert sorted(error_codes(result)) == [
        "CONSENT_REQUIRED",
        "INVALID_EMAIL",
        "INVALID_LOCALE",
        "INVALID_SOURCE",
    ]


def test_error_messages_follow_the_readers_locale(gql):
    fr = subscribe(gql, "nope", locale="fr")["errors"][0]["message"]
    en = subscribe(gql, "nope", locale="en")["errors"][0]["message"]
    default = subscribe(gql, "nope")["errors"][0]["message"]
    assert fr == default == "Cette adresse électronique n'est pas valide."
    assert en == "This email address is not valid."


def test_missing_required_arguments_are_a_graphql_error_not_a_500(gql):
    response = gql.post('mutation { subscribeNewsletter(email: "a@example.fr") { ok } }')
    assert response.status_code == 400
    assert Subscriber.objects.count() == 0


def test_honeypot_gets_the_normal_answer_and_stores_nothing(gql, sent, mailoutbox):
    with sent():
        result = subscribe(gql, website="http://spam.example")
    assert result == {"ok": True, "status": "PENDING", "errors": []}
    assert Subscriber.objects.count() == 0
    assert mailoutbox == []


def test_empty_honeypot_is_ignored(gql, sent):
    with sent():
        assert subscribe(gql, website="")["ok"] is True
    assert Subscriber.objects.count() == 1


def test_rate_limit_per_ip(gql, sent, settings):
    settings.NEWSLETTER = {**settings.NEWSLETTER, "RATE_LIMIT_PER_IP": (5, 60)}
    with sent():
        results = [subscribe(gql, f"l{i}@example.fr", ip="192.0.2.1") for i in range(6)]
        other_ip = subscribe(gql, "autre@example.fr", ip="192.0.2.2")
    assert [r["ok"] for r in results] == [True] * 5 + [False]
    assert error_codes(results[5]) == ["RATE_LIMITED"]
    assert results[5]["errors"][0]["field"] is None
    assert other_ip["ok"] is True
    assert Subscriber.objects.count() == 6
    assert not Subscriber.objects.filter(email="l5@example.fr").exists()


def test_rate_limit_per_ip_counts_an_ipv6_64_as_one_client(gql, sent, settings):
    settings.NEWSLETTER = {**settings.NEWSLETTER, "RATE_LIMIT_PER_IP": (2, 60)}
    with sent():
        same_64 = [
            subscribe(gql, f"v6-{i}@example.fr", ip=f"2001:db8:1:2::{i + 1:x}") for i in range(3)
        ]
        other_64 = subscribe(gql, "v6-other@example.fr", ip="2001:db8:1:3::1")
    assert [r["ok"] for r in same_64] == [True, True, False]
    assert other_64["ok"] is True


def test_rate_limit_per_address_across_ips(gql, sent, mailoutbox, settings):
    settings.NEWSLETTER = {**settings.NEWSLETTER, "RATE_LIMIT_PER_EMAIL": (3, 3600)}
    with sent():
        results = [
            subscribe(
                gql,
                "Cible@example.fr".swapcase() if i % 2 else "cible@example.fr",
                ip=f"192.0.2.{10 + i}",
            )
            for i in range(4)
        ]
    assert [r["ok"] for r in results] == [True, True, True, False]
    assert error_codes(results[3]) == ["RATE_LIMITED"]
    assert len(mailoutbox) == 3


def test_rate_limit_messages_are_localised(gql, settings):
    settings.NEWSLETTER = {**settings.NEWSLETTER, "RATE_LIMIT_PER_IP": (0, 60)}
    result = subscribe(gql, locale="en")
    assert result["errors"][0]["message"].startswith("Too many requests")


@pytest.fixture
def unreachable_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "unreachable": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens on port 1.
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    settings.NEWSLETTER = {**settings.NEWSLETTER, "RATE_LIMIT_CACHE": "unreachable"}


def test_rate_limiter_fails_closed_when_the_cache_is_down(
    gql, sent, mailoutbox, unreachable_cache
):
    with sent():
        result = subscribe(gql)
    assert result["ok"] is False
    assert error_codes(result) == ["TEMPORARILY_UNAVAILABLE"]
    assert Subscriber.objects.count() == 0
    assert mailoutbox == []


def test_a_failed_send_keeps_the_subscriber_and_the_retry_sends_it(gql, sent, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def broken(self, messages):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(EmailBackend, "send_messages", broken)
    with sent():
        result = subscribe(gql)
    assert result["ok"] is True
    subscriber = Subscriber.objects.get()
    assert subscriber.confirmation_sent_at is None
    assert subscriber.confirmation_attempts == 1
    assert subscriber.last_send_error == "ConnectionRefusedError"

    monkeypatch.undo()
    assert services.retry_unsent(min_age_seconds=0) == (1, 0)
    subscriber.refresh_from_db()
    assert subscriber.confirmation_sent_at is not None
    assert subscriber.last_send_error == ""
    assert len(mail.outbox) == 1
    assert_unsubscribe_headers(mail.outbox[0])
    # Nothing is owed any more.
    assert services.retry_unsent(min_age_seconds=0) == (0, 0)


def test_client_ip_behind_trusted_proxies(rf, settings):
    request = rf.post(
        "/graphql/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.9"
    )
    assert services.client_ip(request) == "10.0.0.1"
    settings.NEWSLETTER = {**settings.NEWSLETTER, "TRUSTED_PROXIES": 1}
    assert services.client_ip(request) == "198.51.100.9"
    request = rf.post("/graphql/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert services.client_ip(request) is None


def test_mutations_are_refused_over_get(client):
    query = 'mutation { subscribeNewsletter(email: "a@example.fr", consent: true) { ok } }'
    response = client.get("/graphql/", {"query": query})
    assert response.status_code == 405
    assert Subscriber.objects.count() == 0
