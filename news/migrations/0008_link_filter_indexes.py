"""Indexes that read a topic's or an author's articles from the index alone.

`articles(topic:)` and `articles(author:)` with `totalCount` count up to the cap's worth of
visible articles: PostgreSQL reads the filter's link rows (page ids) and matches them against
the publication-date index. With only the single-column foreign key indexes it visited the
link table's heap for each of them (1,517 buffers for a topic with 4,799 articles at 100,000);
(topic_id, page_id) and (author_id, page_id) give the page ids from the index (25 buffers).
Built CONCURRENTLY on PostgreSQL, like news/0005.
"""

from django.db import migrations

INDEXES = {
    "kiosque_articletopic_topic_page": "news_articletopic (topic_id, page_id)",
    "kiosque_articleauthor_author_page": "news_articleauthor (author_id, page_id)",
}


def create_indexes(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for name, definition in INDEXES.items():
        if not postgres:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")
            continue
        # An interrupted concurrent build leaves an invalid index behind: build it again.
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY {name} ON {definition}")


def drop_indexes(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {name}")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("news", "0007_article_renders")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
