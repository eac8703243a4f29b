"""The bounded `totalCount` of a topic or an author reads the filter's link rows from an index
alone (issue 19): PostgreSQL matches the filter's page ids against the publication-date index,
and with only the foreign key indexes it visited the link table's heap for each of them."""

import pytest
from django.conf import settings
from django.db import connection

from news.models import ArticlePage, Author, Topic
from tests.factories import make_article, make_section, make_site
from tests.plans import captured_sql, plan_nodes

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def _count_plan(gql, query) -> list[dict]:
    import json

    sql = captured_sql(lambda: gql.data(query), containing=("COUNT(",))
    with connection.cursor() as cursor:
        # On a few rows, a sequential scan or a nested loop probing each article's links by
        # (page_id, topic_id) looks cheapest: price them out, so the filter's side is read.
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        raw = cursor.fetchone()[0]
    return list(plan_nodes((json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]))


@pytest.fixture
def archive():
    section = make_section(make_site())
    topic = Topic.objects.create(name="Partout", slug="partout")
    author = Author.objects.create(name="Plume Partout", slug="plume-partout")
    articles = [make_article(section, f"Dépêche {i}", slug=f"dep-{i}") for i in range(40)]
    topics, authors = ArticlePage.topics.through, ArticlePage.article_authors.rel.related_model
    topics.objects.bulk_create([topics(page_id=a.pk, topic=topic) for a in articles[::2]])
    authors.objects.bulk_create([authors(page_id=a.pk, author=author) for a in articles[::2]])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return articles


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="reads PostgreSQL's plan")
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("table", "query"),
    [
        ("news_articletopic", '{ articles(topic: "partout") { totalCount } }'),
        ("news_articleauthor", '{ articles(author: "plume-partout") { totalCount } }'),
    ],
)
def test_the_bounded_count_of_a_filter_reads_its_links_from_an_index_alone(
    gql, archive, table, query
):
    nodes = _count_plan(gql, query)
    links = [n for n in nodes if n.get("Relation Name") == table]
    assert links, nodes
    assert all(n["Node Type"] == "Index Only Scan" for n in links), links
    assert gql.data(query)["articles"]["totalCount"] == 20
