"""Subscriber admin (listing, filters, search, CSV export, GDPR export and erase), the management
commands, and the signup box's copy in site settings and GraphQL."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry

from newsletter.models import NewsletterSettings, Subscriber
from tests.factories import make_site

pytestmark = pytest.mark.django_db

INDEX = "/admin/newsletter/subscribers/"


def make_subscriber(email, status="pending", locale="fr", days_ago=0, source=""):
    when = timezone.now() - timedelta(days=days_ago)
    return Subscriber.objects.create(
        email=email,
        status=status,
        locale=locale,
        source=source,
        consent_version="2026-01",
        consent_at=when,
        created_at=when,
    )


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("chef", "chef@example.fr", "motdepasse")
    client.force_login(user)
    return client


@pytest.fixture
def people():
    return [
        make_subscriber("alice@example.fr", "confirmed", "fr", days_ago=40, source="home"),
        make_subscriber("bob@example.com", "pending", "en", days_ago=2),
        make_subscriber("chloe@example.fr", "unsubscribed", "fr", days_ago=1),
    ]


def _listed(response) -> set[str]:
    html = response.content.decode()
    return {e for e in ("alice@example.fr", "bob@example.com", "chloe@example.fr") if e in html}


def test_listing_filters_and_search(admin_client, people):
    assert _listed(admin_client.get(INDEX)) == {
        "alice@example.fr",
        "bob@example.com",
        "chloe@example.fr",
    }
    assert _listed(admin_client.get(INDEX, {"status": "confirmed"})) == {"alice@example.fr"}
    assert _listed(admin_client.get(INDEX, {"locale": "en"})) == {"bob@example.com"}
    since = (timezone.now() - timedelta(days=10)).date().isoformat()
    assert _listed(admin_client.get(INDEX, {"created_at__date__gte": since})) == {
        "bob@example.com",
        "chloe@example.fr",
    }
    assert _listed(admin_client.get(INDEX, {"q": "chloe"})) == {"chloe@example.fr"}
    html = admin_client.get(INDEX).content.decode()
    assert f"{INDEX}gdpr-export/{people[0].pk}/" in html
    assert f"{INDEX}delete/{people[0].pk}/" in html


def test_csv_export_follows_the_filters_and_defuses_formulas(admin_client, people):
    make_subscriber("=cmd+1@example.fr", "confirmed")
    response = admin_client.get(INDEX, {"export": "csv", "status": "confirmed"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    lines = body.strip().splitlines()
    assert lines[0].startswith("Email,Status,Locale,Source,Consent version")
    assert any(line.startswith("alice@example.fr,confirmed,fr,home,2026-01") for line in lines)
    assert any(line.startswith("'=cmd+1@example.fr,") for line in lines)
    assert "bob@example.com" not in body


def test_csv_export_reads_subscribers_in_chunks_and_there_is_no_xlsx(
    admin_client, people, monkeypatch
):
    from django.db.models.query import QuerySet

    from newsletter.admin_views import EXPORT_CHUNK

    chunked = []
    original = QuerySet.iterator

    def spy(self, chunk_size=None):
        chunked.append((self.model, chunk_size))
        return original(self, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", spy)
    response = admin_client.get(INDEX, {"export": "csv"})
    assert "alice@example.fr" in b"".join(response.streaming_content).decode()
    assert (Subscriber, EXPORT_CHUNK) in chunked
    assert admin_client.get(INDEX, {"export": "xlsx"})["Content-Type"].startswith("text/html")
    assert "export=xlsx" not in admin_client.get(INDEX).content.decode()


def test_subscribers_cannot_be_added_or_edited_by_hand(admin_client, people):
    response = admin_client.post(INDEX + "new/", {"email": "x@example.fr", "status": "confirmed"})
    assert response.status_code in (302, 403)
    response = admin_client.post(f"{INDEX}edit/{people[1].pk}/", {"status": "confirmed"})
    assert response.status_code in (302, 403)
    assert Subscriber.objects.count() == 3
    assert Subscriber.objects.get(pk=people[1].pk).status == "pending"
    assert "/new/" not in admin_client.get(INDEX).content.decode()


def test_gdpr_export_view(admin_client, people):
    response = admin_client.get(f"{INDEX}gdpr-export/{people[0].pk}/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["email"] == "alice@example.fr"
    assert data["status"] == "confirmed"
    assert data["consent_version"] == "2026-01"
    assert "consent_at" in data and "ip_hash" in data
    assert admin_client.get(f"{INDEX}gdpr-export/999999/").status_code == 404


def test_inspect_view_shows_the_consent_record(admin_client, people):
    response = admin_client.get(f"{INDEX}inspect/{people[0].pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "alice@example.fr" in html
    assert "2026-01" in html


def test_gdpr_erase_view_leaves_no_trace_of_the_address(admin_client, people):
    url = f"{INDEX}delete/{people[0].pk}/"
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url)
    assert response.status_code == 302
    assert not Subscriber.objects.filter(email="alice@example.fr").exists()
    entry = ModelLogEntry.objects.get(action="wagtail.delete")
    assert entry.label == f"Subscriber #{people[0].pk}"
    assert not any("alice" in json.dumps(e.data) + e.label for e in ModelLogEntry.objects.all())


def test_editors_without_permission_cannot_export_or_erase(client, people):
    user = get_user_model().objects.create_user("pigiste", "p@example.fr", "motdepasse")
    group = Group.objects.create(name="Pigistes")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    client.force_login(user)
    assert client.get(f"{INDEX}gdpr-export/{people[0].pk}/").status_code in (302, 403)
    client.post(f"{INDEX}delete/{people[0].pk}/")
    assert Subscriber.objects.count() == 3
    listing = client.get(INDEX)
    assert "alice@example.fr" not in listing.content.decode()


# --- management commands ------------------------------------------------------------------------


def test_export_command(people):
    out = StringIO()
    call_command("newsletter_export", "ALICE@example.fr", stdout=out)
    assert json.loads(out.getvalue())["email"] == "alice@example.fr"
    with pytest.raises(CommandError, match="No subscriber"):
        call_command("newsletter_export", "inconnu@example.fr")
    with pytest.raises(CommandError, match="valid"):
        call_command("newsletter_export", "pas une adresse")


def test_erase_command(people, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "non")
    with pytest.raises(CommandError, match="Nothing erased"):
        call_command("newsletter_erase", "bob@example.com")
    assert Subscriber.objects.count() == 3
    out = StringIO()
    call_command("newsletter_erase", "Bob@Example.com", "--noinput", stdout=out)
    assert f"#{people[1].pk} erased" in out.getvalue()
    assert not Subscriber.objects.filter(pk=people[1].pk).exists()


def test_retry_command(people, mailoutbox):
    owed = make_subscriber("owed@example.fr", days_ago=1)
    fresh = make_subscriber("fresh@example.fr")
    gave_up = make_subscriber("gaveup@example.fr", days_ago=1)
    gave_up.confirmation_attempts = 5
    gave_up.save()
    out = StringIO()
    call_command("newsletter_retry", stdout=out)
    # bob (pending, 2 days old) and owed are due; fresh is too young, gave_up has given up.
    assert "sent: 2" in out.getvalue()
    assert sorted(m.to[0] for m in mailoutbox) == ["bob@example.com", "owed@example.fr"]
    owed.refresh_from_db()
    fresh.refresh_from_db()
    assert owed.confirmation_sent_at is not None
    assert fresh.confirmation_sent_at is None
    call_command("newsletter_retry", stdout=StringIO())
    assert len(mailoutbox) == 2


# --- the signup box ------------------------------------------------------------------------------

BOX = "query($locale: String) { newsletterBox(locale: $locale) { locale title blurb buttonLabel consentText consentVersion } }"  # noqa: E501


def test_box_defaults_without_settings(gql):
    fr = gql.data(BOX)["newsletterBox"]
    assert fr["locale"] == "fr"
    assert fr["title"] == "Notre lettre d'information"
    assert fr["buttonLabel"] == "Je m'inscris"
    en = gql.data(BOX, {"locale": "en"})["newsletterBox"]
    assert en["title"] == "Our newsletter"
    # Unknown locales fall back to French rather than failing the whole page query.
    assert gql.data(BOX, {"locale": "de"})["newsletterBox"]["locale"] == "fr"
    assert not NewsletterSettings.objects.exists()


def test_box_copy_is_edited_in_site_settings(gql, admin_client):
    site = make_site().get_site()
    url = f"/admin/settings/newsletter/newslettersettings/{site.pk}/"
    form = {
        "title_fr": "La lettre du matin",
        "blurb_fr": "Tous les jours à 7 h.",
        "button_label_fr": "Recevoir",
        "consent_text_fr": "J'accepte.",
        "title_en": "The morning letter",
        "blurb_en": "Every day at 7.",
        "button_label_en": "Get it",
        "consent_text_en": "I agree.",
        "consent_version": "2026-04",
    }
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content[:2000]
    fr = gql.data(BOX)["newsletterBox"]
    assert fr == {
        "locale": "fr",
        "title": "La lettre du matin",
        "blurb": "Tous les jours à 7 h.",
        "buttonLabel": "Recevoir",
        "consentText": "J'accepte.",
        "consentVersion": "2026-04",
    }
    assert gql.data(BOX, {"locale": "en"})["newsletterBox"]["buttonLabel"] == "Get it"
