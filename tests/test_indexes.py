"""Lookups the API makes on every article page use an index, whatever the newsroom's size."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories import make_article, make_section, make_site
from tests.plans import captured_sql, query_plan

ARTICLE = "query($p: String) { article(urlPath: $p) { title } }"


@pytest.mark.django_db
def test_an_article_by_path_is_found_through_the_url_path_index(gql):
    monde = make_section(make_site(), "Monde", slug="monde")
    make_article(monde, "Un article", slug="un-article")
    # Other articles, so that the planner weighs the path against the date order: with a
    # single article, walking the date index for `LIMIT 1` costs the same as any index.
    call_command("create_random_data", articles=200, images=1, seed=3, stdout=io.StringIO())
    found = {}
    lookup = captured_sql(
        lambda: found.update(gql.data(ARTICLE, {"p": "/monde/un-article/"})),
        containing=("url_path\" = '", 'FROM "news_articlepage"'),
    )
    assert found["article"]["title"] == "Un article"
    # A few hundred rows still make a sequential scan cheapest on PostgreSQL: forbid it to see
    # that the index is usable by this very query. Statistics first: without them the planner
    # may pick any index of the table, depending on what earlier tests left behind.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE wagtailcore_page, news_articlepage")
    plan = query_plan(lookup, forbid_seqscan=True)
    assert "kiosque_page_url_path" in plan, plan
