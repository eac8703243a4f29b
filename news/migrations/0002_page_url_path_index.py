"""An index on wagtailcore_page.url_path, which Wagtail does not index.

`article(urlPath:)` looks pages up by their full path; without an index that is a scan of the
page table (128 ms at 100,000 articles on PostgreSQL). On PostgreSQL the index is built
CONCURRENTLY, so migrating a live newsroom does not lock the page table against editors.
"""

from django.db import migrations

INDEX = "kiosque_page_url_path"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailcore_page (url_path)")
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = %s",
            [INDEX],
        )
        row = cursor.fetchone()
    if row is not None and not row[0]:
        # An interrupted concurrent build leaves an invalid index behind: build it again.
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON wagtailcore_page (url_path)"
    )


def drop_index(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("news", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
