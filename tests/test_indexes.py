"""Lookups the API makes on every article page use an index, whatever the newsroom's size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_article, make_section, make_site

ARTICLE = "query($p: String) { article(urlPath: $p) { title } }"


@pytest.mark.django_db
def test_an_article_by_path_is_found_through_the_url_path_index(gql):
    monde = make_section(make_site(), "Monde", slug="monde")
    make_article(monde, "Un article", slug="un-article")
    with CaptureQueriesContext(connection) as queries:
        data = gql.data(ARTICLE, {"p": "/monde/un-article/"})
    assert data["article"]["title"] == "Un article"
    (lookup,) = [q["sql"] for q in queries if "url_path\" = '" in q["sql"]
                 and 'FROM "news_articlepage"' in q["sql"]]  # fmt: skip
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {lookup}")
            plan = " / ".join(row[-1] for row in cursor.fetchall())
        else:
            # A few test rows make a sequential scan cheapest; forbid it to see the index is
            # usable by this very query.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {lookup}")
            plan = " / ".join(row[0] for row in cursor.fetchall())
    assert "kiosque_page_url_path" in plan, plan
