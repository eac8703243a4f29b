"""PostgreSQL only: the unaccent extension, a `french_unaccent` text search configuration
(French stemming and stop words applied to unaccented words) and a GIN index on the vector.
Other databases use the pure-Python backend and need none of this."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION french_unaccent
                ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
                WITH unaccent, french_stem;
        END IF;
    END
    $$
    """,
    "CREATE INDEX IF NOT EXISTS search_doc_vector_gin "
    "ON search_articlesearchdocument USING gin (search_vector)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS search_doc_vector_gin",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
