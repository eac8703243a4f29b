"""An index on pages' last publication date, which Wagtail does not have.

The admin's "aging pages" report lists published pages oldest first
(`ORDER BY last_published_at LIMIT 50`): without an index, every published page is sorted on
each request. Built CONCURRENTLY on PostgreSQL, like news/0005.
"""

from django.db import migrations

INDEX = "kiosque_page_last_published"
DEFINITION = f"{INDEX} ON wagtailcore_page (last_published_at)"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {DEFINITION}")
        return
    # An interrupted concurrent build leaves an invalid index behind: build it again.
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
    schema_editor.execute(f"CREATE INDEX CONCURRENTLY {DEFINITION}")


def drop_index(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("cms", "0001_content_generation"), ("wagtailcore", "0098_apitoken")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
