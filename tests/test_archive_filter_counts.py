"""The bounded `totalCount` of a topic or an author can read the filter's link rows from a
(filter, page) index alone (issue 19): PostgreSQL matches the filter's page ids against the
publication-date index, and with only the foreign key indexes it visited the link table's heap
for each of them (1,517 buffers for a topic with 4,799 articles at 100,000, 25 with it)."""

import pytest
from django.conf import settings
from django.db import connection

from news.models import ArticlePage, Author, Topic
from tests.factories import make_article, make_section, make_site
from tests.plans import captured_sql

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.fixture
def archive():
    section = make_section(make_site())
    topic = Topic.objects.create(name="Partout", slug="partout")
    author = Author.objects.create(name="Plume Partout", slug="plume-partout")
    articles = [make_article(section, f"Dépêche {i}", slug=f"dep-{i}") for i in range(40)]
    topics, authors = ArticlePage.topics.through, ArticlePage.article_authors.rel.related_model
    topics.objects.bulk_create([topics(page_id=a.pk, topic=topic) for a in articles[::2]])
    authors.objects.bulk_create([authors(page_id=a.pk, author=author) for a in articles[::2]])
    return topic, author


def _index_columns(table: str) -> dict[str, list[str]]:
    """{index name: its key columns in order} for `table`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.relname, array_agg(a.attname ORDER BY k.ord) "
            "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "JOIN pg_class t ON t.oid = x.indrelid "
            "CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord) "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
            "WHERE t.relname = %s GROUP BY i.relname",
            [table],
        )
        return dict(cursor.fetchall())


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="reads PostgreSQL's plan")
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("table", "column", "index", "query"),
    [
        (
            "news_articletopic",
            "topic_id",
            "kiosque_articletopic_topic_page",
            '{ articles(topic: "partout") { totalCount } }',
        ),
        (
            "news_articleauthor",
            "author_id",
            "kiosque_articleauthor_author_page",
            '{ articles(author: "plume-partout") { totalCount } }',
        ),
    ],
)
def test_the_bounded_count_of_a_filter_reads_its_links_from_an_index_alone(
    gql, archive, table, column, index, query
):
    count = captured_sql(lambda: gql.data(query), containing=("COUNT(",))
    # The count reads the filter's links by the filter's id...
    assert f'"{column}" = ' in count, count
    # ... which an index starting with (filter, page id) answers alone: an index-only scan on
    # the vacuumed 100,000-article archive (a test transaction is never vacuumed, so the
    # planner's choice here would not say it). Without it, the only index holding both
    # columns is (page_id, filter), and the plan visited the table for each link.
    assert index in _index_columns(table), _index_columns(table)
    assert _index_columns(table)[index] == [column, "page_id"]
    assert gql.data(query)["articles"]["totalCount"] == 20
