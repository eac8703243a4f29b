"""Hole: every distinct anonymous search wrote two permanent rows (Wagtail's Query and
QueryDailyHits), so a script could grow the database without bound (issue 11.9).

New query strings are recorded only while fewer than KIOSQUE["SEARCH_STATS_MAX_QUERIES"] are
stored; strings already stored (popular ones, and every string an editor promoted) keep counting.
"""

import io

import pytest
from django.core.management import call_command
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits, SearchPromotion

from tests.factories import make_article, make_section, make_site

pytestmark = pytest.mark.django_db

SEARCH = "query ($q: String!) { search(query: $q) { totalCount } }"
WORDS = ["sahel", "pluie", "climat", "récolte", "fleuve", "marché", "élection", "budget"]


@pytest.fixture
def newsroom(settings):
    settings.KIOSQUE = {**settings.KIOSQUE, "SEARCH_STATS_MAX_QUERIES": 3}
    home = make_site()
    section = make_section(home, "Monde", slug="monde")
    article = make_article(
        section, "Pluie, climat et récolte au Sahel : le fleuve, le marché, l'élection, le budget"
    )
    return article


def search(gql, q):
    assert gql.data(SEARCH, {"q": q})["search"]["totalCount"] == 1


def test_distinct_searches_stop_adding_rows_at_the_cap(gql, newsroom):
    for word in WORDS:
        search(gql, word)
    assert sorted(Query.objects.values_list("query_string", flat=True)) == [
        "climat",
        "pluie",
        "sahel",
    ]
    assert QueryDailyHits.objects.count() == 3


def test_stored_queries_keep_counting_once_the_cap_is_reached(gql, newsroom):
    for word in WORDS + ["sahel", "Sahel"]:
        search(gql, word)
    assert Query.objects.get(query_string="sahel").hits == 3
    assert QueryDailyHits.objects.count() == 3


def test_promoted_queries_are_counted_even_when_the_table_is_full(gql, newsroom):
    promoted = Query.get("budget")
    SearchPromotion.objects.create(query=promoted, page=newsroom, sort_order=0)
    for word in WORDS:
        search(gql, word)
    assert Query.objects.count() == 3
    assert Query.objects.get(query_string="budget").hits == 1


def test_the_worker_collects_old_statistics(gql, newsroom, settings):
    settings.WAGTAILSEARCH_HITS_MAX_AGE = -1  # today's hits already count as old
    for word in WORDS[:3]:
        search(gql, word)
    call_command("run_worker", once=True, schedule_every=0, stdout=io.StringIO())
    assert QueryDailyHits.objects.count() == 0
    assert Query.objects.count() == 0
    search(gql, "budget")
    assert list(Query.objects.values_list("query_string", flat=True)) == ["budget"]
