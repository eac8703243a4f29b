"""A user who chose English in their account sees English for the newsroom's own labels too
(issue 13, item 1): the French-written labels have an English catalogue, the English-written
ones (newsletter) a French one, and every string of ours is in both."""

import ast
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from wagtail.users.models import UserProfile

from news import roles
from news.models import Topic
from news.services import create_topic
from tests.factories import AuthorFactory, make_article, make_section, make_site
from tests.test_admin_in_french import _our_admin_views, _visible_text

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
# Where our gettext calls live (the apps; not migrations, tests or benchmarks).
APPS = ("cms", "delivery", "home", "news", "newsletter", "search", "wpimport")
GETTEXT = {"_", "gettext", "gettext_lazy", "gettext_noop"}
# Seen on the English admin before this catalogue existed.
SEEN_IN_FRENCH = ("Chapô", "Sujets", "Rubrique", "Mes brouillons", "À relire", "Personne")


def _entries(language: str) -> dict[str, str]:
    """msgid -> msgstr of one catalogue, multi-line entries joined."""
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text()
    entries = {}
    for block in text.split("\n\n"):
        if "#, fuzzy" in block and 'msgid ""\nmsgstr ""\n"Project' not in block:
            continue
        match = re.search(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', block, re.MULTILINE)
        if match:
            msgid, msgstr = (
                "".join(re.findall(r'"(.*)"', part)).replace('\\"', '"').replace("\\n", "\n")
                for part in match.groups()
            )
            if msgid:
                entries[msgid] = msgstr
    return entries


def _strings_in_code() -> set[str]:
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", getattr(node.func, "attr", None)) in GETTEXT
                    and node.args
                    and isinstance(
                        node.args[-1 if "pgettext" in str(node.func) else 0], ast.Constant
                    )
                ):
                    value = node.args[0].value
                    if isinstance(value, str) and value:
                        found.add(value)
        for path in (ROOT / app).rglob("*.html"):
            found.update(re.findall(r'{%\s*(?:trans|translate)\s+"([^"]+)"', path.read_text()))
    return found


def _french_msgids() -> dict[str, str]:
    """Our labels written in French, with their English text (where it differs)."""
    return {k: v for k, v in _entries("en").items() if v and v != k}


def test_every_string_of_ours_is_in_both_catalogues_and_translated_in_one():
    english, french = _entries("en"), _entries("fr")
    in_code = _strings_in_code()
    assert in_code, "no gettext call found: the scan is broken"
    assert not in_code - set(english), "run makemessages -l en: " + repr(in_code - set(english))
    assert not in_code - set(french), "run makemessages -l fr: " + repr(in_code - set(french))
    # Written in French: an English text; written in English: a French text.
    untranslated = [m for m in in_code if not english.get(m) and not french.get(m)]
    assert not untranslated, untranslated


def test_english_catalogue_is_compiled_and_loaded():
    translated = _french_msgids()
    assert len(translated) > 100
    with translation.override("en"):
        for msgid, msgstr in translated.items():
            assert translation.gettext(msgid) == msgstr, msgid
        assert str(Topic.Kind.PLACE.label) == "Place"


@pytest.fixture
def english_user(db):
    home = make_site()
    section = make_section(home, "Monde", slug="monde")
    article = make_article(section, "Un article", slug="un-article")
    roles.ensure_roles()
    AuthorFactory(name="Léa Roux", slug="lea-roux")
    user = get_user_model().objects.create_superuser("chief-en", "", "a-test-password")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return {"home": home, "section": section, "article": article, "user": user}


def test_every_admin_view_of_ours_is_english_for_a_user_who_chose_english(client, english_user):
    client.force_login(english_user["user"])
    french = set(_french_msgids()) | set(SEEN_IN_FRENCH)
    # As in the French test: phrases and capitalised words, not lowercase words that could be
    # anyone's ("type", "page").
    phrases = [msgid for msgid in french if " " in msgid.strip() or msgid[:1].isupper()]
    for url in _our_admin_views(english_user):
        response = client.get(url)
        assert response.status_code == 200, url
        # What editors typed (the test content is French) is not a label.
        html = re.sub(r"(?s)(<textarea\b[^>]*>).*?</textarea>", r"\1", response.content.decode())
        text = _visible_text(html)
        found = [p for p in phrases if re.search(rf"(?<!\w){re.escape(p.strip())}(?!\w)", text)]
        assert not found, (url, found)
    # Our labels really are on those pages, in English.
    text = _visible_text(
        client.get(f"/admin/pages/{english_user['article'].pk}/edit/").content.decode()
    )
    for label in ("Standfirst", "Lead image", "Topics", "Authors"):
        assert label in text, label


def test_a_topic_kind_may_be_typed_in_either_language(db):
    with translation.override("en"):
        assert create_topic(label="Marseille (Place)").kind == Topic.Kind.PLACE
        assert create_topic(label="Lyon (Lieu)").kind == Topic.Kind.PLACE
    with translation.override("fr"):
        assert create_topic(label="Anne Hidalgo (Person)").kind == Topic.Kind.PERSON
