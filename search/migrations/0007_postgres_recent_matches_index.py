"""PostgreSQL only: the documents' publication-date index, newest first, in the order the
search's first step asks for. A common word's most recent matches are then found by walking it
until the ranking window is full, instead of reading and sorting every match from the GIN index
(search.backends.PostgresBackend.rank). The Python backend orders its few candidates itself."""

from django.db import migrations

TABLE = "search_articlesearchdocument"


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0006_redirect_target_path")]

    operations = [
        migrations.RunPython(
            _run(
                f"CREATE INDEX IF NOT EXISTS search_doc_recent ON {TABLE} "
                "(published_at DESC NULLS LAST, article_id DESC)"
            ),
            _run("DROP INDEX IF EXISTS search_doc_recent"),
        )
    ]
