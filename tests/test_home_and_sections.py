"""Root fields `home`, `sections` and `section`, and which site's content a request sees."""

import pytest
from wagtail.models import Page, Site

from home.models import HomePage
from tests.factories import dated, feature, make_article, make_section, make_site

pytestmark = pytest.mark.django_db


def test_sections_come_in_menu_order_and_section_finds_by_slug(gql):
    home = make_site()
    make_section(home, "Sport", menu_order=3)
    make_section(home, "Monde", menu_order=1)
    make_section(home, "Culture", menu_order=2)
    make_section(home, "Brouillon", menu_order=0, live=False)
    sections = gql.data("{ sections { title slug url menuOrder } }")["sections"]
    assert [s["slug"] for s in sections] == ["monde", "culture", "sport"]
    assert sections[0] == {"title": "Monde", "slug": "monde", "url": "/monde/", "menuOrder": 1}
    found = gql.data('{ section(slug: "culture") { title description } }')["section"]
    assert found == {"title": "Culture", "description": "Rubrique Culture"}
    assert gql.data('{ section(slug: "brouillon") { title } }')["section"] is None


def test_home_lists_featured_articles_in_editor_order(gql):
    home = make_site()
    section = make_section(home, "Monde")
    a = make_article(section, "A", slug="a", published_at=dated(1))
    b = make_article(section, "B", slug="b", published_at=dated(2))
    feature(home, a, b)
    data = gql.data("{ home { title tagline url featuredArticles { slug section { slug } } } }")
    assert data["home"] == {
        "title": "Kiosque",
        "tagline": "L'actualité",
        "url": "/",
        "featuredArticles": [
            {"slug": "a", "section": {"slug": "monde"}},
            {"slug": "b", "section": {"slug": "monde"}},
        ],
    }


def test_each_site_sees_only_its_own_content(gql):
    home = make_site()
    make_article(make_section(home, "Monde"), "Ici", slug="ici", published_at=dated(1))

    other_home = HomePage(title="Kiosque Sport", slug="kiosque-sport")
    Page.get_first_root_node().add_child(instance=other_home)
    other_home.save_revision().publish()
    Site.objects.create(hostname="127.0.0.1", port=80, root_page=other_home, site_name="Sport")
    other = make_section(other_home, "Football")
    make_article(other, "Là-bas", slug="la-bas", published_at=dated(2))

    query = """
    query ($slug: String!) {
      home { title }
      sections { slug }
      articles { totalCount edges { node { slug url } } }
      article(slug: $slug) { slug }
    }
    """
    here = gql.data(query, {"slug": "la-bas"})
    assert here["home"] == {"title": "Kiosque"}
    assert here["sections"] == [{"slug": "monde"}]
    assert here["articles"]["edges"] == [{"node": {"slug": "ici", "url": "/monde/ici/"}}]
    assert here["article"] is None

    there = gql.data(query, {"slug": "ici"}, HTTP_HOST="127.0.0.1")
    assert there["home"] == {"title": "Kiosque Sport"}
    assert there["sections"] == [{"slug": "football"}]
    assert there["articles"]["edges"] == [{"node": {"slug": "la-bas", "url": "/football/la-bas/"}}]
    assert there["article"] is None
    assert gql.data(query, {"slug": "la-bas"}, HTTP_HOST="127.0.0.1")["article"] == {
        "slug": "la-bas"
    }
