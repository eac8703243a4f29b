"""The admin is French whatever the browser asks for, our own labels included; a user who chose
English in their account gets English (issue 13, item 1)."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from wagtail.models import Site
from wagtail.users.models import UserProfile

from news import roles
from tests.factories import make_article, make_section, make_site

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"
EN_US = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
# English that readers of the issue saw in the French admin.
SEEN_IN_ENGLISH = (
    "Newsletter subscribers",
    "newsletter subscribers",
    "Newsletter box",
    "Title fr",
    "Blurb fr",
    "Button label fr",
    "Consent text fr",
    "Moderators approval",
    "Password",
    "Dashboard",
)


def _translated_msgids() -> dict[str, str]:
    """English msgids of ours with their French text (single-line entries)."""
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', CATALOGUE.read_text(), re.MULTILINE)
    return dict(pairs)


def _visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style|template)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    # Attributes a reader sees (placeholders, titles, aria labels) count as text too.
    shown = " ".join(re.findall(r'(?:placeholder|title|aria-label)="([^"]*)"', html))
    return unescape(re.sub(r"<[^>]+>", " ", html) + " " + shown)


@pytest.fixture
def newsroom(db):
    home = make_site()
    section = make_section(home, "Monde", slug="monde")
    article = make_article(section, "Un article", slug="un-article")
    roles.ensure_roles()
    user = get_user_model().objects.create_superuser("chef-test", "", "motdepasse-de-test")
    return {"home": home, "section": section, "article": article, "user": user}


def _our_admin_views(newsroom) -> list[str]:
    site = Site.objects.get(is_default_site=True)
    return [
        "/admin/",
        "/admin/newsletter/subscribers/",
        f"/admin/settings/newsletter/newslettersettings/{site.pk}/",
        "/admin/webhooks/",
        "/admin/webhook_deliveries/",
        "/admin/snippets/news/topic/",
        "/admin/snippets/news/topic/add/",
        "/admin/snippets/news/author/",
        "/admin/snippets/news/author/add/",
        f"/admin/pages/add/news/articlepage/{newsroom['section'].pk}/",
        f"/admin/pages/{newsroom['article'].pk}/edit/",
        f"/admin/pages/{newsroom['section'].pk}/edit/",
        "/admin/workflows/list/",
    ]


def test_catalogue_is_compiled_and_loaded():
    translated = _translated_msgids()
    assert translated, "no translated entries in the French catalogue"
    with translation.override("fr"):
        for msgid, msgstr in translated.items():
            assert translation.gettext(msgid) == msgstr.replace('\\"', '"'), msgid


def test_login_page_is_french_for_an_english_browser(client, db):
    text = _visible_text(client.get("/admin/login/", **EN_US).content.decode())
    assert "Mot de passe" in text
    assert "Password" not in text


def test_every_admin_view_of_ours_is_french_for_an_english_browser(client, newsroom):
    client.force_login(newsroom["user"])
    english = set(_translated_msgids()) | set(SEEN_IN_ENGLISH)
    # Single lowercase words ("status", "source") are also ordinary HTML or Wagtail words:
    # the phrases are what a reader would notice.
    phrases = [msgid for msgid in english if " " in msgid or msgid[0].isupper()]
    for url in _our_admin_views(newsroom):
        response = client.get(url, **EN_US)
        assert response.status_code == 200, url
        assert response.headers.get("Content-Language", "fr") == "fr", url
        text = _visible_text(response.content.decode())
        found = [phrase for phrase in phrases if re.search(rf"\b{re.escape(phrase)}\b", text)]
        assert not found, (url, found)


def test_newsletter_box_fields_have_french_labels(client, newsroom):
    client.force_login(newsroom["user"])
    site = Site.objects.get(is_default_site=True)
    text = _visible_text(
        client.get(
            f"/admin/settings/newsletter/newslettersettings/{site.pk}/", **EN_US
        ).content.decode()
    )
    for label in ("Titre (français)", "Accroche (anglais)", "Texte de consentement (français)"):
        assert label in text


def test_review_workflow_is_offered_in_french(client, newsroom):
    user = newsroom["user"]
    client.force_login(user)
    text = _visible_text(
        client.get(f"/admin/pages/{newsroom['article'].pk}/edit/", **EN_US).content.decode()
    )
    assert "Soumettre à Relecture" in text


def test_a_user_who_chose_english_gets_english(client, newsroom):
    user = newsroom["user"]
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    text = _visible_text(client.get("/admin/newsletter/subscribers/").content.decode())
    assert "Newsletter subscribers" in text
    assert "Show filters" in text
