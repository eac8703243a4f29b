"""French and English editions: `locale` on root fields, and an article's translations."""

import pytest
from wagtail.models import Locale, PageViewRestriction

from tests.factories import make_article, make_section, make_site

ARTICLE = """query($slug: String, $locale: String) {
  article(slug: $slug, locale: $locale) { id title locale translations { locale url } }
}"""
ARTICLES = """query($locale: String) {
  articles(locale: $locale) { edges { node { id locale section { slug } } } }
}"""


def translate(page, locale, **changes):
    copy = page.copy_for_translation(locale)
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    copy.refresh_from_db()
    return copy


@pytest.fixture
def editions(db):
    en = Locale.objects.get(language_code="en")
    home = make_site()
    monde = make_section(home, "Monde")
    article = make_article(monde, "Le sommet de Nairobi", slug="sommet-nairobi")
    home_en = translate(home, en, title="Kiosque (English)")
    world = translate(monde, en, title="World", slug="world")
    article_en = translate(article, en, title="The Nairobi summit", slug="nairobi-summit")
    return {"home": home, "monde": monde, "article": article, "home_en": home_en,
            "world": world, "article_en": article_en}  # fmt: skip


def test_both_locales_exist_after_migrating(db):
    assert set(Locale.objects.values_list("language_code", flat=True)) >= {"fr", "en"}


def test_french_is_the_default_edition(gql, editions):
    nodes = [e["node"] for e in gql.data(ARTICLES)["articles"]["edges"]]
    assert nodes == [{"id": str(editions["article"].pk), "locale": "fr",
                      "section": {"slug": "monde"}}]  # fmt: skip


def test_the_english_edition_is_selected_by_locale(gql, editions):
    nodes = [e["node"] for e in gql.data(ARTICLES, {"locale": "en"})["articles"]["edges"]]
    assert nodes == [{"id": str(editions["article_en"].pk), "locale": "en",
                      "section": {"slug": "world"}}]  # fmt: skip
    sections = gql.data('{ sections(locale: "en") { slug } }')["sections"]
    assert sections == [{"slug": "world"}]
    home = gql.data('{ home(locale: "en") { title } }')["home"]
    assert home == {"title": "Kiosque (English)"}
    section = gql.data('{ section(slug: "world", locale: "en") { title } }')["section"]
    assert section == {"title": "World"}


def test_an_article_lists_its_public_translations(gql, editions):
    fr = gql.data(ARTICLE, {"slug": "sommet-nairobi"})["article"]
    assert fr["locale"] == "fr"
    assert fr["translations"] == [{"locale": "en", "url": "/world/nairobi-summit/"}]
    en = gql.data(ARTICLE, {"slug": "nairobi-summit", "locale": "en"})["article"]
    assert en["title"] == "The Nairobi summit"
    assert en["translations"] == [{"locale": "fr", "url": "/monde/sommet-nairobi/"}]
    # Not found in the other edition.
    assert gql.data(ARTICLE, {"slug": "nairobi-summit"})["article"] is None


def test_unpublished_or_private_translations_are_not_listed(gql, editions):
    editions["article_en"].unpublish()
    fr = gql.data(ARTICLE, {"slug": "sommet-nairobi"})["article"]
    assert fr["translations"] == []
    editions["article_en"].save_revision().publish()
    PageViewRestriction.objects.create(
        page=editions["world"], restriction_type="password", password="x"
    )
    assert gql.data(ARTICLE, {"slug": "sommet-nairobi"})["article"]["translations"] == []


def test_the_change_feed_is_per_edition(gql, editions):
    query = "query($l: String) { changes(locale: $l) { entries { id contentType } } }"
    fr = {e["id"] for e in gql.data(query)["changes"]["entries"]}
    en = {e["id"] for e in gql.data(query, {"l": "en"})["changes"]["entries"]}
    assert str(editions["article"].pk) in fr and str(editions["article"].pk) not in en
    assert str(editions["article_en"].pk) in en and str(editions["article_en"].pk) not in fr


@pytest.mark.parametrize("field", ["articles", "sections", "home", "changes"])
def test_an_unknown_locale_is_a_client_error(gql, editions, field):
    selection = {"articles": "{ totalCount }", "sections": "{ id }", "home": "{ id }",
                 "changes": "{ hasMore }"}[field]  # fmt: skip
    payload = gql.query(f'{{ {field}(locale: "de") {selection} }}')
    assert payload["errors"][0]["extensions"]["code"] == "BAD_ARGUMENT"
