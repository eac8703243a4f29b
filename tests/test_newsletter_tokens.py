"""Confirmation and unsubscribe: mutations, Kiosque's own pages, RFC 8058 one-click, tokens."""

import time

import pytest
from django.core import signing

from newsletter import emails, services, tokens
from newsletter.models import Subscriber
from tests.newsletter_helpers import (
    CONFIRM,
    UNSUBSCRIBE,
    assert_unsubscribe_headers,
    confirm_token,
    subscribe,
    token_from,
    unsubscribe_header_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(gql, django_capture_on_commit_callbacks, mailoutbox):
    """A pending subscriber and the confirmation email it received."""
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(gql, "lectrice@example.fr")
    return Subscriber.objects.get(), mailoutbox[0]


def _status():
    return Subscriber.objects.get().status


def _old_token(monkeypatch, purpose, subscriber, age_seconds):
    then = time.time() - age_seconds
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: then)
        return tokens.make_token(purpose, subscriber)


# --- confirmation -------------------------------------------------------------------------------


def test_confirm_mutation(gql, pending):
    _, message = pending
    result = gql.data(CONFIRM, {"token": confirm_token(message)})["confirmNewsletter"]
    assert result == {"ok": True, "status": "CONFIRMED", "errors": []}
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.confirmed_at is not None
    # Confirming twice is harmless.
    again = gql.data(CONFIRM, {"token": confirm_token(message)})["confirmNewsletter"]
    assert again["ok"] is True


def test_confirmation_page_get_only_shows_a_form(client, pending):
    _, message = pending
    token = confirm_token(message)
    response = client.get("/newsletter/confirm/", {"token": token})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form method="post"' in html
    assert 'name="token"' in html
    assert "Je confirme mon inscription" in html
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    # A mail scanner's prefetch must not confirm anything.
    assert _status() == Subscriber.Status.PENDING


def test_confirmation_page_post_confirms_without_csrf(pending):
    from django.test import Client

    _, message = pending
    client = Client(enforce_csrf_checks=True)
    response = client.post("/newsletter/confirm/", {"token": confirm_token(message)})
    assert response.status_code == 200
    assert "votre inscription est confirmée" in response.content.decode()
    assert _status() == Subscriber.Status.CONFIRMED


def test_confirmation_page_speaks_the_subscribers_language(
    client, gql, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(gql, "reader@example.com", locale="en")
    response = client.get("/newsletter/confirm/", {"token": confirm_token(mailoutbox[0])})
    assert "Confirm my subscription" in response.content.decode()
    assert '<html lang="en">' in response.content.decode()


def test_expired_confirmation_token_is_refused(gql, client, pending, monkeypatch):
    subscriber, _ = pending
    token = _old_token(monkeypatch, tokens.CONFIRM, subscriber, 8 * 24 * 3600)
    result = gql.data(CONFIRM, {"token": token, "locale": "en"})["confirmNewsletter"]
    assert result["ok"] is False
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("token", "EXPIRED_TOKEN")]
    assert result["errors"][0]["message"].startswith("This link has expired")
    assert client.post("/newsletter/confirm/", {"token": token}).status_code == 400
    assert _status() == Subscriber.Status.PENDING


def test_token_lifetime_is_a_setting(gql, pending, monkeypatch, settings):
    subscriber, _ = pending
    token = _old_token(monkeypatch, tokens.CONFIRM, subscriber, 3 * 24 * 3600)
    settings.NEWSLETTER = {**settings.NEWSLETTER, "CONFIRM_TOKEN_MAX_AGE": 2 * 24 * 3600}
    result = gql.data(CONFIRM, {"token": token})["confirmNewsletter"]
    assert result["errors"][0]["code"] == "EXPIRED_TOKEN"
    settings.NEWSLETTER = {**settings.NEWSLETTER, "CONFIRM_TOKEN_MAX_AGE": 4 * 24 * 3600}
    assert gql.data(CONFIRM, {"token": token})["confirmNewsletter"]["ok"] is True


def _forgeries(subscriber, good: str):
    value, stamp, signature = good.rsplit(":", 2)
    other_pk = f"{subscriber.pk + 1}.{value.split('.')[1]}"
    return [
        "",
        "nimportequoi",
        good[:-1] + ("A" if good[-1] != "A" else "B"),
        f"{other_pk}:{stamp}:{signature}",
        # Signed with another key.
        signing.TimestampSigner(key="autre-cle", salt="newsletter.confirm").sign(value),
        # Right key, wrong purpose: an unsubscribe token cannot confirm.
        tokens.make_token(tokens.UNSUBSCRIBE, subscriber),
        "x" * 5000,
    ]


def test_forged_confirmation_tokens_are_refused(gql, client, pending):
    subscriber, message = pending
    for forged in _forgeries(subscriber, confirm_token(message)):
        result = gql.data(CONFIRM, {"token": forged})["confirmNewsletter"]
        assert result["ok"] is False, forged
        assert result["errors"][0]["code"] == "INVALID_TOKEN"
        response = client.post("/newsletter/confirm/", {"token": forged})
        assert response.status_code == 400
    assert _status() == Subscriber.Status.PENDING


def test_confirmation_token_of_an_erased_subscriber_is_refused(gql, pending):
    subscriber, message = pending
    services.erase(subscriber)
    result = gql.data(CONFIRM, {"token": confirm_token(message)})["confirmNewsletter"]
    assert result["errors"][0]["code"] == "INVALID_TOKEN"


def test_confirmation_after_unsubscribing_is_refused(gql, pending):
    subscriber, message = pending
    services.unsubscribe(tokens.make_token(tokens.UNSUBSCRIBE, subscriber))
    result = gql.data(CONFIRM, {"token": confirm_token(message)})["confirmNewsletter"]
    assert result["errors"][0]["code"] == "INVALID_TOKEN"
    assert _status() == Subscriber.Status.UNSUBSCRIBED


def test_frontend_confirmation_route_is_a_setting(
    gql, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.NEWSLETTER = {
        **settings.NEWSLETTER,
        "CONFIRM_URL": "https://www.example.fr/lettre/confirmer?jeton={token}",
    }
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(gql)
    assert "https://www.example.fr/lettre/confirmer?jeton=" in mailoutbox[0].body


# --- unsubscribe ---------------------------------------------------------------------------------


def test_one_click_unsubscribe_per_rfc_8058(pending):
    from django.test import Client

    _, message = pending
    url = unsubscribe_header_url(message)
    # What a mail client sends: a bare POST to the header URL, no cookie, no CSRF token.
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        url.removeprefix("http://testserver"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None


def test_unsubscribe_page_get_changes_nothing(client, pending):
    _, message = pending
    response = client.get(unsubscribe_header_url(message).removeprefix("http://testserver"))
    assert response.status_code == 200
    assert "Me désinscrire" in response.content.decode()
    assert _status() == Subscriber.Status.PENDING


def test_unsubscribe_mutation_and_resubscribe(
    gql, pending, django_capture_on_commit_callbacks, mailoutbox
):
    _, message = pending
    token = token_from(unsubscribe_header_url(message))
    result = gql.data(UNSUBSCRIBE, {"token": token})["unsubscribeNewsletter"]
    assert result == {"ok": True, "status": "UNSUBSCRIBED", "errors": []}
    assert _status() == Subscriber.Status.UNSUBSCRIBED
    # Idempotent.
    assert gql.data(UNSUBSCRIBE, {"token": token})["unsubscribeNewsletter"]["ok"] is True
    with django_capture_on_commit_callbacks(execute=True):
        assert subscribe(gql, "lectrice@example.fr")["ok"] is True
    assert _status() == Subscriber.Status.PENDING


def test_unsubscribe_tokens_outlive_confirmation_tokens(gql, pending, monkeypatch):
    subscriber, _ = pending
    token = _old_token(monkeypatch, tokens.UNSUBSCRIBE, subscriber, 30 * 24 * 3600)
    assert gql.data(UNSUBSCRIBE, {"token": token})["unsubscribeNewsletter"]["ok"] is True


def test_expired_and_forged_unsubscribe_tokens_are_refused(gql, client, pending, monkeypatch):
    subscriber, message = pending
    expired = _old_token(monkeypatch, tokens.UNSUBSCRIBE, subscriber, 400 * 24 * 3600)
    result = gql.data(UNSUBSCRIBE, {"token": expired})["unsubscribeNewsletter"]
    assert result["errors"][0]["code"] == "EXPIRED_TOKEN"
    good = token_from(unsubscribe_header_url(message))
    forged = [t for t in _forgeries(subscriber, good) if t != good]
    forged[5] = confirm_token(message)  # a confirmation token cannot unsubscribe
    for token in forged:
        result = gql.data(UNSUBSCRIBE, {"token": token})["unsubscribeNewsletter"]
        assert result["errors"][0]["code"] == "INVALID_TOKEN", token
        assert client.post("/newsletter/unsubscribe/", {"token": token}).status_code == 400
    assert _status() == Subscriber.Status.PENDING


def test_unsubscribe_of_an_erased_subscriber_is_a_quiet_success(gql, pending):
    subscriber, message = pending
    token = token_from(unsubscribe_header_url(message))
    services.erase(subscriber)
    assert gql.data(UNSUBSCRIBE, {"token": token})["unsubscribeNewsletter"]["ok"] is True


def test_pages_refuse_other_methods(client):
    assert client.put("/newsletter/confirm/").status_code == 405
    assert client.delete("/newsletter/unsubscribe/").status_code == 405


# --- headers on every email ----------------------------------------------------------------------


def test_every_kind_of_email_carries_the_unsubscribe_headers(pending, mailoutbox):
    subscriber, _ = pending
    subscriber.locale = "en"
    built = [
        emails.confirmation_message(subscriber),
        emails.notice_message(subscriber),
        emails.newsletter_message(subscriber, "Édition du matin", "Bonjour"),
    ]
    subscriber.locale = "fr"
    built += [emails.confirmation_message(subscriber), emails.notice_message(subscriber)]
    for message in built:
        message.send()
    assert len(mailoutbox) == 6  # including the fixture's confirmation
    for message in mailoutbox:
        assert_unsubscribe_headers(message)
        raw = message.message().as_string()
        assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw
        assert "List-Unsubscribe:" in raw
        if message.body != "Bonjour":
            # Templated emails also show the link in the text.
            assert unsubscribe_header_url(message) in message.body
