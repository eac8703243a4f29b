"""The redirect search's copy of each target page's path (search.models.RedirectTargetPath).

On PostgreSQL: a trigram index on the copy, the triggers that keep it in step, the copy of the
existing redirects, and the page-path trigram index of 0005 dropped (only the redirect search
read it; it cost every page write). Row triggers, so that only the rows concerned pay: a page
UPDATE that leaves `url_path` alone never enters them (the WHEN clause is checked before).
"""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "search_redirecttargetpath"

CREATE = f"""
CREATE INDEX kiosque_redirect_target_path_trgm ON {TABLE}
    USING gin (UPPER(url_path::text) gin_trgm_ops);

CREATE FUNCTION kiosque_redirect_target_path_from_redirect() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM {TABLE} WHERE redirect_id = OLD.id;
    END IF;
    IF TG_OP = 'DELETE' OR NEW.redirect_page_id IS NULL THEN
        RETURN NULL;
    END IF;
    -- The foreign key to the page is deferred: a page written later in the same transaction
    -- is copied by the page trigger instead.
    INSERT INTO {TABLE} (redirect_id, page_id, url_path)
    SELECT NEW.id, p.id, p.url_path FROM wagtailcore_page p WHERE p.id = NEW.redirect_page_id
    ON CONFLICT (redirect_id)
    DO UPDATE SET page_id = EXCLUDED.page_id, url_path = EXCLUDED.url_path;
    RETURN NULL;
END
$$;

CREATE FUNCTION kiosque_redirect_target_path_from_page() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TABLE} (redirect_id, page_id, url_path)
    SELECT r.id, NEW.id, NEW.url_path FROM wagtailredirects_redirect r
    WHERE r.redirect_page_id = NEW.id
    ON CONFLICT (redirect_id)
    DO UPDATE SET page_id = EXCLUDED.page_id, url_path = EXCLUDED.url_path;
    RETURN NULL;
END
$$;

CREATE TRIGGER kiosque_redirect_target_path_redirect_write
    AFTER INSERT OR UPDATE OR DELETE ON wagtailredirects_redirect
    FOR EACH ROW EXECUTE FUNCTION kiosque_redirect_target_path_from_redirect();

CREATE TRIGGER kiosque_redirect_target_path_page_insert
    AFTER INSERT ON wagtailcore_page
    FOR EACH ROW EXECUTE FUNCTION kiosque_redirect_target_path_from_page();

CREATE TRIGGER kiosque_redirect_target_path_page_path
    AFTER UPDATE OF url_path ON wagtailcore_page
    FOR EACH ROW WHEN (OLD.url_path IS DISTINCT FROM NEW.url_path)
    EXECUTE FUNCTION kiosque_redirect_target_path_from_page();

INSERT INTO {TABLE} (redirect_id, page_id, url_path)
SELECT r.id, p.id, p.url_path FROM wagtailredirects_redirect r
JOIN wagtailcore_page p ON p.id = r.redirect_page_id;
-- Statistics now, or the planner takes the new table for empty until autovacuum's turn.
ANALYZE {TABLE};

DROP INDEX IF EXISTS kiosque_page_url_path_trgm;
"""

DROP = """
DROP TRIGGER IF EXISTS kiosque_redirect_target_path_page_path ON wagtailcore_page;
DROP TRIGGER IF EXISTS kiosque_redirect_target_path_page_insert ON wagtailcore_page;
DROP TRIGGER IF EXISTS kiosque_redirect_target_path_redirect_write ON wagtailredirects_redirect;
DROP FUNCTION IF EXISTS kiosque_redirect_target_path_from_page();
DROP FUNCTION IF EXISTS kiosque_redirect_target_path_from_redirect();
CREATE INDEX IF NOT EXISTS kiosque_page_url_path_trgm ON wagtailcore_page
    USING gin (UPPER(url_path::text) gin_trgm_ops);
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_redirect_target_path_trigram_index"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [
        migrations.CreateModel(
            name="RedirectTargetPath",
            fields=[
                (
                    "redirect",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="wagtailredirects.redirect",
                    ),
                ),
                ("page_id", models.IntegerField(db_index=True)),
                ("url_path", models.TextField()),
            ],
        ),
        migrations.RunPython(create, drop),
    ]
