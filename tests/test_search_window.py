"""Public search on a large archive (issue 19): a query ranks and counts at most its
`SEARCH_RANK_WINDOW` most recent matches, found without reading every match, and a query
matching fewer articles than that is ranked exactly as when every match was ranked.

The plan tests run on PostgreSQL only: they read what the planner really did."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings

from news.models import ArticlePage
from search.models import ArticleSearchDocument
from tests.factories import dated, make_article, make_section, make_site
from tests.plans import analyzed_plan, captured_sql, plan_nodes

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="reads PostgreSQL's executed plan")
DOCS = ArticleSearchDocument._meta.db_table

SEARCH = """
query ($q: String!, $first: Int, $after: String) {
  search(query: $q, first: $first, after: $after) {
    totalCount
    totalCountIsExact
    edges { cursor score node { slug } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def window(size):
    return override_settings(KIOSQUE={**settings.KIOSQUE, "SEARCH_RANK_WINDOW": size})


def every_result(gql, q):
    """(slug, score) of every result, page by page, with the first page's counts."""
    first = gql.data(SEARCH, {"q": q, "first": 100})["search"]
    page, results = first, []
    while True:
        results += [(e["node"]["slug"], e["score"]) for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return first["totalCount"], first["totalCountIsExact"], results
        after = page["pageInfo"]["endCursor"]
        page = gql.data(SEARCH, {"q": q, "first": 100, "after": after})["search"]


def newest_first(slugs):
    order = dict(
        ArticlePage.objects.filter(slug__in=slugs)
        .order_by("-published_at", "-pk")
        .values_list("slug", "pk")
    )
    return list(order)


@pytest.mark.django_db
def test_queries_matching_fewer_articles_than_the_window_keep_their_full_ranking(gql):
    make_site()
    call_command("create_random_data", articles=400, images=1, seed=5, stdout=io.StringIO())
    for q in ("tramway", "retraites Toulouse", "vendanges"):
        with window(10**6):  # every match ranked: the ranking before the window existed
            everything = every_result(gql, q)
        total, exact, results = everything
        assert 0 < total < 200, (q, total)  # under the default window
        assert exact and len(results) == total
        # The default window changes nothing for them: same results, order and scores.
        assert every_result(gql, q) == everything, q
    # A window smaller than a query's matches does change its results (so the comparison
    # above could fail): the most recent matches only, counted as such.
    with window(10):
        total, exact, results = every_result(gql, "tramway")
    assert (total, exact) == (10, False)
    recent = [slug for slug, _ in every_result(gql, "tramway")[2]]
    assert sorted(slug for slug, _ in results) == sorted(newest_first(recent)[:10])


@pytest.mark.django_db
def test_the_count_of_a_query_beyond_the_window_is_the_ranked_results_flagged_inexact(gql):
    section = make_section(make_site())
    for day in range(1, 6):
        make_article(section, f"Tramway, jour {day}", slug=f"t{day}", published_at=dated(day))
    query = """{ search(query: "tramway") {
        totalCount totalCountIsExact pageInfo { hasNextPage } } }"""
    with window(3):
        assert gql.data(query)["search"] == {
            "totalCount": 3,
            "totalCountIsExact": False,
            "pageInfo": {"hasNextPage": False},
        }
    with window(5):
        assert gql.data(query)["search"]["totalCount"] == 5
        assert gql.data(query)["search"]["totalCountIsExact"] is True


def _docs_read(plan):
    """Rows each scan of the documents table returned, and the scans' node types."""
    scans = [n for n in plan_nodes(plan) if n.get("Relation Name") == DOCS]
    return sum(n["Actual Rows"] * n.get("Actual Loops", 1) for n in scans), scans


def _add_word(word, article_ids):
    """Put `word` in these documents' vectors (weight D, like a topic name)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {DOCS} SET search_vector = search_vector || "  # noqa: S608
            "setweight(to_tsvector('french_unaccent', %s), 'D') "
            "WHERE article_id = ANY(%s)",
            [word, list(article_ids)],
        )
        cursor.execute("ANALYZE")


def _candidates_sql(gql, q):
    return captured_sql(
        lambda: gql.data(SEARCH, {"q": q, "first": 20}),
        containing=("search_vector @@", "ORDER BY published_at DESC"),
    )


@postgres_only
@pytest.mark.django_db
def test_a_common_word_walks_the_date_index_until_the_window_is_full(gql):
    make_site()
    call_command("create_random_data", articles=2000, images=1, seed=9, stdout=io.StringIO())
    newest = list(
        ArticleSearchDocument.objects.order_by("-published_at", "-article_id").values_list(
            "article_id", flat=True
        )
    )
    _add_word("partout", newest[::2])  # half the archive: 1,000 matches
    with window(20):
        plan = analyzed_plan(_candidates_sql(gql, "partout"))
        read, scans = _docs_read(plan)
        # About 42 rows of the date index give the 21 wanted, not the word's 1,000 matches
        # read from the GIN index and sorted.
        assert [n.get("Index Name") for n in scans] == ["search_doc_recent"], plan
        assert read <= 60, read
        assert not [n for n in plan_nodes(plan) if n["Node Type"] == "Sort"], plan
        data = every_result(gql, "partout")
    total, exact, results = data
    assert (total, exact) == (20, False)
    slugs = dict(ArticlePage.objects.values_list("pk", "slug"))
    assert sorted(slug for slug, _ in results) == sorted(slugs[pk] for pk in newest[:40:2])


@postgres_only
@pytest.mark.django_db
def test_a_rare_word_reads_its_matches_from_the_gin_index_not_the_date_index(gql):
    make_site()
    call_command("create_random_data", articles=2000, images=1, seed=9, stdout=io.StringIO())
    oldest = ArticleSearchDocument.objects.order_by("published_at", "article_id").first()
    _add_word("rarissime", [oldest.article_id])
    plan = analyzed_plan(_candidates_sql(gql, "rarissime"))
    read, scans = _docs_read(plan)
    # Walking the date index would test 2,000 newer documents before reaching it.
    assert read <= 1, plan
    assert "search_doc_recent" not in {n.get("Index Name") for n in plan_nodes(plan)}, plan
    total, exact, results = every_result(gql, "rarissime")
    assert (total, exact) == (1, True)
    assert [slug for slug, _ in results] == [oldest.article.slug]
