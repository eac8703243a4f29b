"""Only live, public content leaves the API: no drafts, unpublished or restricted pages."""

import pytest
from wagtail.models import PageViewRestriction

from news.models import ArticlePage
from tests.factories import dated, feature, make_article, make_section, make_site, paragraph

pytestmark = pytest.mark.django_db

ONE = """
query ($slug: String, $urlPath: String, $id: ID) {
  article(slug: $slug, urlPath: $urlPath, id: $id) { id title slug }
}
"""
LIST = "{ articles(first: 100) { totalCount edges { node { id slug title } } } }"


def _by_every_identifier(gql, article: ArticlePage) -> list:
    return [
        gql.data(ONE, {"slug": article.slug})["article"],
        gql.data(ONE, {"urlPath": f"/{article.get_parent().slug}/{article.slug}/"})["article"],
        gql.data(ONE, {"id": str(article.pk)})["article"],
    ]


def _listed_slugs(gql, query=LIST) -> tuple[list[str], int]:
    connection = gql.data(query)["articles"]
    return [edge["node"]["slug"] for edge in connection["edges"]], connection["totalCount"]


@pytest.fixture
def newsroom():
    home = make_site()
    section = make_section(home, "Monde")
    visible = make_article(section, "Visible", slug="visible", published_at=dated(1))
    return home, section, visible


def _assert_hidden(gql, article, visible):
    assert _by_every_identifier(gql, article) == [None, None, None]
    slugs, total = _listed_slugs(gql)
    assert slugs == [visible.slug]
    assert total == 1


def test_the_visible_article_is_found_by_every_identifier(gql, newsroom):
    _, _, visible = newsroom
    found = _by_every_identifier(gql, visible)
    assert found == [{"id": str(visible.pk), "title": "Visible", "slug": "visible"}] * 3
    assert _listed_slugs(gql) == (["visible"], 1)


def test_a_draft_never_published_is_absent(gql, newsroom):
    _, section, visible = newsroom
    draft = make_article(section, "Brouillon", slug="brouillon", live=False)
    assert not ArticlePage.objects.get(pk=draft.pk).live
    _assert_hidden(gql, draft, visible)


def test_an_unpublished_article_is_absent(gql, newsroom):
    _, section, visible = newsroom
    gone = make_article(section, "Retiré", slug="retire", published_at=dated(2))
    assert _listed_slugs(gql)[1] == 2
    gone.unpublish()
    _assert_hidden(gql, gone, visible)


@pytest.mark.parametrize(
    "restriction",
    [
        {"restriction_type": PageViewRestriction.LOGIN},
        {"restriction_type": PageViewRestriction.PASSWORD, "password": "abonnes"},
        {"restriction_type": PageViewRestriction.GROUPS},
    ],
    ids=["login", "password", "groups"],
)
def test_a_restricted_article_is_absent(gql, newsroom, restriction):
    _, section, visible = newsroom
    private = make_article(section, "Réservé", slug="reserve", published_at=dated(2))
    PageViewRestriction.objects.create(page=private, **restriction)
    _assert_hidden(gql, private, visible)


def test_a_logged_in_reader_does_not_see_restricted_articles_either(gql, client, newsroom):
    from django.contrib.auth import get_user_model

    _, section, visible = newsroom
    private = make_article(section, "Réservé", slug="reserve", published_at=dated(2))
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    client.force_login(get_user_model().objects.create_user("lectrice", password="x-pass-123"))
    _assert_hidden(gql, private, visible)


def test_articles_under_an_unpublished_section_are_absent(gql, newsroom):
    home, _, visible = newsroom
    closed = make_section(home, "Archives", slug="archives", menu_order=2)
    orphan = make_article(closed, "Ancien", slug="ancien", published_at=dated(2))
    assert _listed_slugs(gql)[1] == 2
    closed.unpublish()
    assert ArticlePage.objects.get(pk=orphan.pk).live  # Wagtail leaves the children live.
    _assert_hidden(gql, orphan, visible)
    assert gql.data('{ section(slug: "archives") { title } }')["section"] is None
    assert [s["slug"] for s in gql.data("{ sections { slug } }")["sections"]] == ["monde"]
    assert _listed_slugs(gql, '{ articles(section: "archives") { totalCount edges { node '
                               "{ slug } } } }") == ([], 0)  # fmt: skip


def test_articles_under_a_never_published_section_are_absent(gql, newsroom):
    home, _, visible = newsroom
    hidden = make_section(home, "Bientôt", slug="bientot", live=False, menu_order=2)
    article = make_article(hidden, "En avance", slug="en-avance", published_at=dated(2))
    _assert_hidden(gql, article, visible)


def test_articles_under_a_restricted_section_are_absent(gql, newsroom):
    home, _, visible = newsroom
    members = make_section(home, "Abonnés", slug="abonnes", menu_order=2)
    article = make_article(members, "Exclusif", slug="exclusif", published_at=dated(2))
    PageViewRestriction.objects.create(page=members, restriction_type=PageViewRestriction.LOGIN)
    _assert_hidden(gql, article, visible)
    assert gql.data('{ section(slug: "abonnes") { title } }')["section"] is None


RELATED = """
query ($slug: String!) {
  article(slug: $slug) {
    relatedLinks { title url isExternal page { ... on ArticlePage { title url } } }
    body { ... on InlineRelatedBlock { article { slug } } ... on ParagraphBlock { html } }
  }
}
"""


def test_links_to_pages_that_are_not_live_and_public_are_dropped(gql, newsroom):
    _, section, visible = newsroom
    draft = make_article(section, "Brouillon", slug="brouillon-secret", live=False)
    gone = make_article(section, "Retiré", slug="retire-secret", published_at=dated(2))
    private = make_article(section, "Réservé", slug="reserve-secret", published_at=dated(3))
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    body = [("related", {"page": page, "label": ""}) for page in (draft, gone, private, visible)]
    body.append(
        paragraph(
            f'<p><a linktype="page" id="{draft.pk}">un</a> <a linktype="page" id="{gone.pk}">'
            f'deux</a> <a linktype="page" id="{visible.pk}">trois</a></p>'
        )
    )
    make_article(
        section,
        "Lien",
        slug="lien",
        published_at=dated(4),
        related=[draft, gone, visible, private, "https://example.org/dossier"],
        body=body,
    )
    gone.unpublish()

    article = gql.data(RELATED, {"slug": "lien"})["article"]
    assert article["relatedLinks"] == [
        {"title": "Visible", "url": "/monde/visible/", "isExternal": False,
         "page": {"title": "Visible", "url": "/monde/visible/"}},
        {"title": "https://example.org/dossier", "url": "https://example.org/dossier",
         "isExternal": True, "page": None},
    ]  # fmt: skip
    inline = [block for block in article["body"] if "article" in block]
    assert [block["article"] for block in inline] == [None, None, None, {"slug": "visible"}]
    html = article["body"][-1]["html"]
    for secret in ("brouillon-secret", "retire-secret", "reserve-secret"):
        assert secret not in html
    assert '<a href="/monde/visible/"' in html
    assert html.count("<a") == 3


def test_unpublished_featured_articles_are_dropped_from_home(gql, newsroom):
    home, section, visible = newsroom
    first = make_article(section, "Premier", slug="premier", published_at=dated(2))
    second = make_article(section, "Second", slug="second", published_at=dated(3))
    draft = make_article(section, "Brouillon", slug="brouillon", live=False)
    feature(home, second, draft, first, visible)
    query = "{ home { featuredArticles { slug } } }"
    featured = gql.data(query)["home"]["featuredArticles"]
    assert [a["slug"] for a in featured] == ["second", "premier", "visible"]
    first.unpublish()
    featured = gql.data(query)["home"]["featuredArticles"]
    assert [a["slug"] for a in featured] == ["second", "visible"]


def test_a_draft_change_on_a_live_article_does_not_leak(gql, newsroom):
    _, _, visible = newsroom
    page = ArticlePage.objects.get(pk=visible.pk)
    page.title = "Titre provisoire"
    page.standfirst = "Chapô provisoire."
    page.body = [paragraph("<p>Texte provisoire.</p>")]
    page.save_revision()
    assert ArticlePage.objects.get(pk=visible.pk).has_unpublished_changes

    query = "query ($id: ID) { article(id: $id) { title standfirst body { ... on ParagraphBlock { html } } } }"  # noqa: E501
    article = gql.data(query, {"id": str(visible.pk)})["article"]
    assert article == {
        "title": "Visible",
        "standfirst": "Un chapô.",
        "body": [{"html": "<p>Texte de l'article.</p>"}],
    }
    listed = gql.data("{ articles { edges { node { title } } } }")["articles"]["edges"]
    assert [edge["node"]["title"] for edge in listed] == ["Visible"]
    assert gql.data(ONE, {"slug": visible.slug})["article"]["title"] == "Visible"


def test_draft_changes_to_authors_topics_and_links_do_not_leak(gql, newsroom):
    from news.models import ArticleAuthor, RelatedLink
    from tests.factories import AuthorFactory, TopicFactory

    _, section, visible = newsroom
    other = make_article(section, "Autre", slug="autre", published_at=dated(2))
    page = ArticlePage.objects.get(pk=visible.pk)
    page.set_topics(
        [*page.topics.all(), TopicFactory(name="Sujet provisoire", slug="sujet-provisoire")]
    )
    page.article_authors.add(ArticleAuthor(author=AuthorFactory(slug="plume-provisoire")))
    page.related_links.add(RelatedLink(target_page=other, title="Lien provisoire"))
    page.save_revision()

    query = (
        '{ article(slug: "visible") { topics { slug } authors { slug } relatedLinks { title } } }'
    )
    assert gql.data(query)["article"] == {"topics": [], "authors": [], "relatedLinks": []}
    for filters in ('topic: "sujet-provisoire"', 'author: "plume-provisoire"'):
        assert gql.data(f"{{ articles({filters}) {{ totalCount }} }}")["articles"] == {
            "totalCount": 0
        }

    # Publishing the same revision makes them public: the draft really held them.
    ArticlePage.objects.get(pk=visible.pk).get_latest_revision().publish()
    assert gql.data(query)["article"] == {
        "topics": [{"slug": "sujet-provisoire"}],
        "authors": [{"slug": "plume-provisoire"}],
        "relatedLinks": [{"title": "Lien provisoire"}],
    }


def test_draft_only_fields_are_not_in_the_schema(gql, newsroom):
    payload = gql.query('{ article(slug: "visible") { draftTitle } }')
    assert payload["errors"][0]["message"].startswith("Cannot query field 'draftTitle'")


def _hidden_in_other_ways(home):
    """Live articles that are not public all the same: under an unpublished section, under an
    expired section, past their own expiry (before Wagtail's scheduler unpublishes them)."""
    from datetime import timedelta

    from django.utils import timezone

    past = timezone.now() - timedelta(hours=1)
    closed = make_section(home, "Fermée", slug="fermee", menu_order=2)
    under_closed = make_article(closed, "Sous fermée", slug="sous-fermee-secret")
    closed.unpublish()
    expired_section = make_section(home, "Périmée", slug="perimee", menu_order=3)
    under_expired = make_article(expired_section, "Sous périmée", slug="sous-perimee-secret")
    expired_section.specific_class.objects.filter(pk=expired_section.pk).update(expire_at=past)
    expired = make_article(
        home.get_children().get(slug="monde").specific, "Périmé", slug="perime-secret"
    )
    ArticlePage.objects.filter(pk=expired.pk).update(expire_at=past)
    return [under_closed, under_expired, expired]


def test_rich_text_links_to_live_but_hidden_pages_lose_their_target(gql, newsroom):
    home, section, visible = newsroom
    hidden = _hidden_in_other_ways(home)
    links = " ".join(f'<a linktype="page" id="{page.pk}">{page.slug}</a>' for page in hidden)
    make_article(section, "Lien", slug="lien", body=[paragraph(f"<p>{links}</p>")])
    html = gql.data(RELATED, {"slug": "lien"})["article"]["body"][0]["html"]
    assert "href" not in html, html
    assert html.count("<a") == 3


def test_redirects_to_live_but_hidden_pages_are_not_listed(gql, newsroom):
    from wagtail.contrib.redirects.models import Redirect

    home, section, visible = newsroom
    for n, page in enumerate(_hidden_in_other_ways(home)):
        Redirect.objects.create(old_path=f"/ancien-{n}", redirect_page=page)
    Redirect.objects.create(old_path="/ancien-visible", redirect_page=visible)
    edges = gql.data("{ redirects { edges { node { oldPath target } } } }")["redirects"]["edges"]
    assert [edge["node"] for edge in edges] == [
        {"oldPath": "/ancien-visible", "target": "/monde/visible/"}
    ]
