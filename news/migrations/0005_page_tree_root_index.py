"""A partial index on the page tree's root rows (depth 1), which Wagtail does not have.

The admin looks the tree root up with `depth = 1` on every request; without an index that is a
scan of the page table (13-25 ms at 100,000 articles). The index holds one row. Built
CONCURRENTLY on PostgreSQL, like news/0002.
"""

from django.db import migrations

INDEX = "kiosque_page_tree_root"
DEFINITION = f"{INDEX} ON wagtailcore_page (path) WHERE depth = 1"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {DEFINITION}")
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
    schema_editor.execute(f"CREATE INDEX CONCURRENTLY {DEFINITION}")


def drop_index(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("news", "0004_article_date_index_only_composite")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
