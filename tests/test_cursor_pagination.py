"""Walking `articles` by cursor visits every live article exactly once, newest first."""

import pytest
from wagtail.models import PageViewRestriction

from news.models import ArticlePage
from tests.factories import (
    AuthorFactory,
    TopicFactory,
    dated,
    make_article,
    make_section,
    make_site,
)
from tests.shared_data import rolled_back

pytestmark = pytest.mark.django_db

PAGE = """
query ($first: Int, $after: String, $section: String, $topic: String, $author: String) {
  articles(first: $first, after: $after, section: $section, topic: $topic, author: $author) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id slug publishedAt } }
  }
}
"""


class Newsroom:
    """Eleven live articles in two sections, with publication-date ties that straddle every
    page boundary for `first: 3`, plus articles that must never be listed."""


@pytest.fixture(scope="module")
def newsroom(django_db_setup, django_db_blocker):
    with rolled_back(django_db_blocker):
        room = Newsroom()
        room.home = make_site()
        monde = make_section(room.home, "Monde", menu_order=1)
        eco = make_section(room.home, "Économie", slug="economie", menu_order=2)
        room.topic = TopicFactory(name="Union africaine", slug="union-africaine")
        room.author = AuthorFactory(name="Inès Diallo", slug="ines-diallo")
        # Three, four and four articles share a date: ties decided by id, newest id first.
        dates = [dated(1)] * 3 + [dated(2)] * 4 + [dated(3)] * 4
        room.live = []
        for n, when in enumerate(dates):
            section = eco if n % 3 == 0 else monde
            room.live.append(
                make_article(
                    section,
                    f"Article {n}",
                    # Slugs in another order than ids, so only the id can break ties.
                    slug=f"article-{(n * 7) % 11:02d}",
                    published_at=when,
                    topics=[room.topic] if n % 2 == 0 else [],
                    authors=[room.author] if n in (1, 4, 5, 9) else [],
                )
            )
        make_article(monde, "Brouillon", slug="brouillon", live=False)
        make_article(monde, "Retiré", slug="retire", published_at=dated(9)).unpublish()
        private = make_article(monde, "Réservé", slug="reserve", published_at=dated(9))
        PageViewRestriction.objects.create(
            page=private, restriction_type=PageViewRestriction.LOGIN
        )
        room.monde, room.eco = monde, eco
        yield room


def newest_first(articles) -> list[str]:
    ordered = sorted(articles, key=lambda a: (a.published_at, a.pk), reverse=True)
    return [a.slug for a in ordered]


def walk(gql, first: int, between=None, **filters) -> tuple[list[str], list[dict]]:
    """Every slug seen, in order, following endCursor until hasNextPage is false."""
    seen, pages, after = [], [], None
    for _ in range(100):  # a bound, so a cursor bug cannot loop forever
        connection = gql.data(PAGE, {"first": first, "after": after, **filters})["articles"]
        pages.append(connection)
        seen += [edge["node"]["slug"] for edge in connection["edges"]]
        info = connection["pageInfo"]
        assert len(connection["edges"]) <= first
        if connection["edges"]:
            assert info["endCursor"] == connection["edges"][-1]["cursor"]
        if not info["hasNextPage"]:
            return seen, pages
        if between is not None and len(pages) == 1:
            between()
        after = info["endCursor"]
    raise AssertionError("the walk did not end")


def test_the_data_has_ties_across_page_boundaries(newsroom):
    ordered = sorted(newsroom.live, key=lambda a: (a.published_at, a.pk), reverse=True)
    dates = [a.published_at for a in ordered]
    # Boundaries after items 3, 6 and 9 each fall inside a run of equal dates.
    assert dates[2] == dates[3] and dates[5] == dates[6] and dates[8] == dates[9]


@pytest.mark.parametrize("first", [1, 2, 3, 4, 11, 100])
def test_walk_visits_every_live_article_once_newest_first(gql, newsroom, first):
    seen, pages = walk(gql, first)
    assert seen == newest_first(newsroom.live)
    assert len(seen) == len(set(seen)) == 11
    assert {page["totalCount"] for page in pages} == {11}
    assert pages[-1]["pageInfo"]["hasNextPage"] is False
    assert len(pages) == -(-11 // first)


def test_edges_carry_the_published_date_in_order(gql, newsroom):
    edges = gql.data(PAGE, {"first": 100})["articles"]["edges"]
    dates = [edge["node"]["publishedAt"] for edge in edges]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] == dated(3).isoformat()
    ids = [int(edge["node"]["id"]) for edge in edges[:3]]
    assert ids == sorted(ids, reverse=True)


def test_an_article_published_between_two_pages_causes_no_repeat_or_gap(gql, newsroom):
    expected = newest_first(newsroom.live)

    def publish_new():
        # Published now: newer than everything, so it sorts before the pages already read.
        make_article(newsroom.monde, "Dernière minute", slug="derniere-minute")

    seen, pages = walk(gql, 3, between=publish_new)
    assert seen == expected
    assert pages[0]["totalCount"] == 11
    assert pages[-1]["totalCount"] == 12
    assert gql.data(PAGE, {"first": 1})["articles"]["edges"][0]["node"]["slug"] == (
        "derniere-minute"
    )


def test_a_backdated_article_published_between_pages_appears_once(gql, newsroom):
    expected = newest_first(newsroom.live)

    def publish_backdated():
        make_article(newsroom.eco, "Rattrapage", slug="rattrapage", published_at=dated(0))

    seen, _ = walk(gql, 3, between=publish_backdated)
    assert seen == [*expected, "rattrapage"]


def test_republishing_a_visited_article_between_pages_does_not_repeat_it(gql, newsroom):
    expected = newest_first(newsroom.live)

    def republish_first():
        page = ArticlePage.objects.get(slug=expected[0])
        page.title = "Article corrigé"
        page.save_revision().publish()

    seen, _ = walk(gql, 3, between=republish_first)
    assert seen == expected


def test_an_article_unpublished_between_pages_leaves_no_repeat(gql, newsroom):
    expected = newest_first(newsroom.live)

    def unpublish_later_one():
        ArticlePage.objects.get(slug=expected[7]).unpublish()

    seen, _ = walk(gql, 3, between=unpublish_later_one)
    assert seen == [slug for slug in expected if slug != expected[7]]


@pytest.mark.parametrize(
    ("filters", "keep"),
    [
        ({"section": "economie"}, lambda n: n % 3 == 0),
        ({"section": "monde"}, lambda n: n % 3 != 0),
        ({"topic": "union-africaine"}, lambda n: n % 2 == 0),
        ({"author": "ines-diallo"}, lambda n: n in (1, 4, 5, 9)),
        ({"section": "economie", "topic": "union-africaine"}, lambda n: n % 6 == 0),
        ({"section": "inconnue"}, lambda n: False),
        ({"topic": "inconnu"}, lambda n: False),
        ({"author": "personne"}, lambda n: False),
    ],
    ids=[
        "section",
        "other-section",
        "topic",
        "author",
        "section+topic",
        "no-section",
        "no-topic",
        "no-author",
    ],  # fmt: skip
)
def test_filters_walk_only_their_articles(gql, newsroom, filters, keep):
    wanted = [a for n, a in enumerate(newsroom.live) if keep(n)]
    seen, pages = walk(gql, 3, **filters)
    assert seen == newest_first(wanted)
    assert {page["totalCount"] for page in pages} == {len(wanted)}


def test_an_empty_listing_has_no_end_cursor(gql, newsroom):
    connection = gql.data(PAGE, {"first": 3, "section": "inconnue"})["articles"]
    assert connection == {
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "edges": [],
    }


def test_the_last_cursor_leads_to_an_empty_page(gql, newsroom):
    last = gql.data(PAGE, {"first": 100})["articles"]["pageInfo"]["endCursor"]
    connection = gql.data(PAGE, {"first": 3, "after": last})["articles"]
    assert connection["edges"] == []
    assert connection["pageInfo"] == {"hasNextPage": False, "endCursor": None}
    assert connection["totalCount"] == 11
