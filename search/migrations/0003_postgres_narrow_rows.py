"""PostgreSQL only: move the long text and the vector out of line (TOAST) as soon as a row
passes 128 bytes. Broad queries then read only narrow rows (id, date) for every match, and the
vector only for the few they rank."""

from django.db import migrations


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_postgres_french_unaccent")]

    operations = [
        migrations.RunPython(
            _run("ALTER TABLE search_articlesearchdocument SET (toast_tuple_target = 128)"),
            _run("ALTER TABLE search_articlesearchdocument RESET (toast_tuple_target)"),
        )
    ]
