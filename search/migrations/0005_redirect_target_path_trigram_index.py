"""PostgreSQL only: a trigram index on page URL paths, for the admin's redirect search.

The redirect listing matches a word against the target page's `url_path` too
(search/admin_redirects.py); without this index, that lookup reads every page.
Built CONCURRENTLY, like 0004, so migrating a live newsroom locks nothing.
"""

from django.db import migrations

NAME = "kiosque_page_url_path_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT NOT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = %s",
            [NAME],
        )
        row = cursor.fetchone()
    # An interrupted concurrent build leaves an invalid index behind: build it again.
    if row and row[0]:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NAME} ON wagtailcore_page "
        "USING gin (UPPER(url_path::text) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("search", "0004_admin_substring_trigram_indexes")]

    operations = [migrations.RunPython(create_index, drop_index)]
