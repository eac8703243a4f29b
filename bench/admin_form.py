"""The article edit form with thousands of topics, in-process (issue 13, item 3).

    .venv/bin/python bench/admin_form.py [--topics 5000] [--runs 15]

Builds a throw-away SQLite database under var/ with one site, one rubrique, one article that has
three topics, then times `GET /admin/pages/<id>/edit/` through Django's test client (the whole
admin view: permissions, form, panels, template) with no other topic and with --topics more.
Writes docs/benchmarks-admin.md. Times are wall clock on a shared machine: compare the two rows
of one run, not runs with each other.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = ROOT / "var" / "bench-admin.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

import django  # noqa: E402

(ROOT / "var").mkdir(exist_ok=True)
DB.unlink(missing_ok=True)
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from news.models import Topic  # noqa: E402
from tests.factories import make_article, make_section, make_site  # noqa: E402

REPORT = ROOT / "docs" / "benchmarks-admin.md"


def measure(client, url: str, runs: int) -> dict:
    client.get(url)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return {
        "p50": statistics.median(times),
        "max": max(times),
        "bytes": len(response.content),
        "queries": len(queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--topics", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    home = make_site()
    section = make_section(home, "Monde", slug="monde")
    chosen = [
        Topic.objects.create(name=name, slug=slug, kind=kind)
        for name, slug, kind in (
            ("Emmanuel Macron", "emmanuel-macron", Topic.Kind.PERSON),
            ("Marseille", "marseille", Topic.Kind.PLACE),
            ("Climat", "climat", Topic.Kind.THEME),
        )
    ]
    article = make_article(section, "Un article", slug="un-article", topics=chosen)
    user = get_user_model().objects.create_superuser("bench", "", "bench-mot-de-passe")
    client = Client()
    client.force_login(user)
    url = f"/admin/pages/{article.pk}/edit/"

    rows = [("3 topics in the database", measure(client, url, args.runs))]
    Topic.objects.bulk_create(
        Topic(name=f"Sujet {n:05d}", slug=f"sujet-{n:05d}", kind=Topic.Kind.THEME)
        for n in range(args.topics)
    )
    rows.append((f"{args.topics + 3:,} topics in the database", measure(client, url, args.runs)))

    lines = [
        "# Article edit form with many topics",
        "",
        f"Written by `bench/admin_form.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
        f"(SQLite, in-process test client, {args.runs} runs after a warm-up; shared machine).",
        "The article has 3 topics; the picker renders only those, and searches the rest on",
        "demand (`/admin/autocomplete/search/`, at most 50 results).",
        "",
        "| database | p50 ms | max ms | HTML bytes | SQL queries |",
        "|---|---|---|---|---|",
    ]
    for label, row in rows:
        lines.append(
            f"| {label} | {row['p50']:.0f} | {row['max']:.0f} | {row['bytes']:,} | "
            f"{row['queries']} |"
        )
    lines.append("")
    REPORT.write_text("\n".join(lines))
    print("\n".join(lines))
    DB.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
