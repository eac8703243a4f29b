"""ops/backup.sh and ops/restore.sh: a backup of the database and media restores into a fresh
database that then answers for the articles, and a damaged dump restores nothing at all."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
BACKUP = ROOT / "ops" / "backup.sh"
RESTORE = ROOT / "ops" / "restore.sh"


def _run(script: Path, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own scripts, fixed arguments)
        [str(script), *args],
        # PYTHON: the interpreter restore.sh runs manage.py with (this one, with Kiosque's deps).
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHON": sys.executable, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_backup_refuses_to_run_without_a_postgres_url(tmp_path):
    result = _run(BACKUP, str(tmp_path), env={"MEDIA_ROOT": str(tmp_path)})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
    result = _run(
        BACKUP, str(tmp_path), env={"DATABASE_URL": "sqlite:///x", "MEDIA_ROOT": str(tmp_path)}
    )
    assert result.returncode == 2
    assert "postgres://" in result.stderr
    assert list(tmp_path.iterdir()) == []


def _url(settings_dict: dict, name: str) -> str:
    user = settings_dict.get("USER") or "postgres"
    password = settings_dict.get("PASSWORD")
    auth = f"{user}:{password}" if password else user
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{name}"


@pytest.fixture
def scratch_database():
    """A fresh, empty database next to the test database; dropped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump / pg_restore need PostgreSQL")
    import psycopg

    name = f"kiosque_restore_{os.getpid()}"
    admin_url = _url(connection.settings_dict, "postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _url(connection.settings_dict, name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _published_articles(url: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(url) as restored:
        return restored.execute(
            """
            SELECT p.title, p.slug, a.standfirst, i.file
            FROM news_articlepage a
            JOIN wagtailcore_page p ON p.id = a.page_ptr_id
            LEFT JOIN wagtailimages_image i ON i.id = a.lead_image_id
            WHERE p.live
            ORDER BY p.title
            """
        ).fetchall()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_then_restore_into_a_fresh_database_serves_the_articles(
    tmp_path, settings, scratch_database
):
    from tests.factories import make_article, make_image, make_section, make_site

    settings.MEDIA_ROOT = tmp_path / "media"
    home = make_site()
    section = make_section(home, "Sciences", slug="sciences")
    photo = make_image("Glacier")
    make_article(section, "Le glacier recule", slug="glacier", lead_image=photo)
    make_article(section, "Un brouillon", slug="brouillon", live=False)

    test_db_url = _url(connection.settings_dict, connection.settings_dict["NAME"])
    backup = _run(
        BACKUP,
        str(tmp_path / "backups"),
        env={"DATABASE_URL": test_db_url, "MEDIA_ROOT": str(settings.MEDIA_ROOT)},
    )
    assert backup.returncode == 0, backup.stderr
    dump, media, manifest = (Path(line) for line in backup.stdout.split())
    assert dump.stat().st_size > 0 and media.stat().st_size > 0
    assert dump.name in manifest.read_text()

    restored_media = tmp_path / "restored-media"
    restore = _run(
        RESTORE,
        str(dump),
        str(media),
        env={"DATABASE_URL": scratch_database, "MEDIA_ROOT": str(restored_media)},
    )
    assert restore.returncode == 0, restore.stderr

    rows = _published_articles(scratch_database)
    assert [(title, slug) for title, slug, _, _ in rows] == [("Le glacier recule", "glacier")]
    image_path = rows[0][3]
    original = Path(settings.MEDIA_ROOT) / image_path
    copy = restored_media / image_path
    assert copy.read_bytes() == original.read_bytes()


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_damaged_dump_restores_nothing(tmp_path, scratch_database):
    test_db_url = _url(connection.settings_dict, connection.settings_dict["NAME"])
    media_root = tmp_path / "media"
    media_root.mkdir()
    backup = _run(
        BACKUP,
        str(tmp_path / "backups"),
        env={"DATABASE_URL": test_db_url, "MEDIA_ROOT": str(media_root)},
    )
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.split()[0])
    damaged = tmp_path / "damaged.dump"
    damaged.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])

    restore = _run(RESTORE, str(damaged), env={"DATABASE_URL": scratch_database})
    assert restore.returncode != 0

    import psycopg

    with psycopg.connect(scratch_database) as restored:
        tables = restored.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]
    assert tables == 0, "a failed restore must leave the database untouched"
