"""PostgreSQL only: trigram indexes for the admin's substring searches.

The admin searches with `icontains` (search/wagtail_backend.py, Wagtail's redirect listing),
which PostgreSQL runs as `UPPER(col::text) LIKE UPPER('%word%')`: without these indexes, a scan
of every page or redirect. Built CONCURRENTLY so migrating a live newsroom locks nothing.
"""

from django.db import migrations

INDEXES = {
    "kiosque_page_title_trgm": ("wagtailcore_page", "title"),
    "kiosque_redirect_old_path_trgm": ("wagtailredirects_redirect", "old_path"),
    "kiosque_redirect_link_trgm": ("wagtailredirects_redirect", "redirect_link"),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in INDEXES.items():
        # An interrupted concurrent build leaves an invalid index behind: build it again.
        if _invalid(schema_editor, name):
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def _invalid(schema_editor, name):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT NOT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = %s",
            [name],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("search", "0003_postgres_narrow_rows"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
