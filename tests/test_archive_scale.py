"""Paths that must cost the same on a 100,000-article archive as on a small one (issue 19).

The plan tests run on PostgreSQL only: they read what the planner really did."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command

from news.models import ArticlePage
from news.schema import encode_cursor
from tests.factories import make_site
from tests.plans import analyzed_plan, captured_sql, plan_nodes

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="reads PostgreSQL's executed plan")
PAGE = "query($after: String) { articles(first: 10, after: $after) { pageInfo { endCursor } } }"


def _cursor_after(position):
    """The cursor a client holds after reading `position` articles, newest first."""
    article = ArticlePage.objects.order_by("-published_at", "-pk")[position - 1]
    return encode_cursor(article)


@postgres_only
@pytest.mark.django_db
def test_a_deep_cursor_seeks_into_the_date_index_instead_of_scanning_rows_before_it(gql):
    make_site()
    call_command("create_random_data", articles=300, images=1, seed=7, stdout=io.StringIO())
    after = _cursor_after(200)
    sql = captured_sql(
        lambda: gql.data(PAGE, {"after": after}),
        containing=('FROM "news_articlepage"', "LIMIT 11"),
    )
    plan = analyzed_plan(sql)
    scans = [n for n in plan_nodes(plan) if n.get("Relation Name") == "news_articlepage"]
    assert len(scans) == 1, plan
    scan = scans[0]
    # The cursor is the index condition: the scan starts at it...
    assert scan["Index Name"] == "article_pubdate", scan
    assert "ROW(published_at, page_ptr_id) < ROW(" in scan["Index Cond"], scan
    # ...so it reads the page (and one row to know there is a next page), not the 200 before.
    assert scan["Actual Rows"] <= 11, scan
    assert scan.get("Rows Removed by Filter", 0) == 0, scan
