"""PostgreSQL only: move the long text out of line (TOAST) as soon as a row passes 128 bytes,
but keep the search vector in the row (storage MAIN). Ranking then reads vectors without
fetching TOAST chunks, and the text is read only for the excerpts of one result page."""

from django.db import migrations

TABLE = "search_articlesearchdocument"


def _run(*statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_postgres_french_unaccent")]

    operations = [
        migrations.RunPython(
            _run(
                f"ALTER TABLE {TABLE} SET (toast_tuple_target = 128)",
                f"ALTER TABLE {TABLE} ALTER COLUMN search_vector SET STORAGE MAIN",
            ),
            _run(
                f"ALTER TABLE {TABLE} RESET (toast_tuple_target)",
                f"ALTER TABLE {TABLE} ALTER COLUMN search_vector SET STORAGE EXTENDED",
            ),
        )
    ]
