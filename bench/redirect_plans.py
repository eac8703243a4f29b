"""Executed plans of the admin's redirect search on a small and a large archive (issue 19).

    make bench-redirect-plans  # after bench/archive.py --build, same BENCH_ARCHIVE_* variables

Reads the PostgreSQL archives of bench/archive.py (built by `bench/archive.py --build`, same
BENCH_ARCHIVE_DB and BENCH_ARCHIVE_SIZES), migrates each, requests `/admin/redirects/?q=tramway`
once to warm it, captures the statements the listing runs, then runs each under
EXPLAIN (ANALYZE, BUFFERS), with Wagtail's own search of the same listing (one OR across the
redirect-page join) for comparison. Writes docs/benchmarks-redirect-plans.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive import ROOT, _env, sizes  # noqa: E402

REPORT = ROOT / "docs" / "benchmarks-redirect-plans.md"
WORD = "tramway"


def main() -> None:
    results = []
    for engine, url, n in sizes():
        if engine != "PostgreSQL":
            continue
        print(f"PostgreSQL {n:,}: explaining", flush=True)
        out = subprocess.run(
            [sys.executable, __file__, "--explain"],
            env=_env(url),
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        results.append((n, json.loads(out.strip().splitlines()[-1])))
    write_report(results)
    print(f"Wrote {REPORT.relative_to(ROOT)}")


def write_report(results) -> None:
    lines = [
        "# Admin redirect search: executed plans",
        "",
        f"Written by `bench/redirect_plans.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; do not "
        f"edit by hand. `/admin/redirects/?q={WORD}` on the bench/archive.py PostgreSQL archives "
        "(one redirect per ten articles, each to its article), each statement under "
        "EXPLAIN (ANALYZE, BUFFERS) after one warm request. Buffers: pages read from the cache "
        "(hit) or the disk (read).",
        "",
        "| archive | redirects | matches | statement | execution (ms) | buffers (hit+read) |",
        "|---|---|---|---|---|---|",
    ]
    for n, found in results:
        for label, plan in found["plans"].items():
            lines.append(
                f"| {n:,} articles | {found['redirects']:,} | {found['matches']:,} | {label} | "
                f"{plan['ms']:.1f} | {plan['buffers']:,} |"
            )
    lines.append("")
    for n, found in results:
        for label, plan in found["plans"].items():
            lines += [f"## {n:,} articles: {label}", "", "```", plan["text"], "```", ""]
    REPORT.write_text("\n".join(lines))


def explain() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.contrib.redirects.views import IndexView

    from search.admin_redirects import redirects_matching

    call_command("migrate", interactive=False, verbosity=0)
    admin = Client()
    admin.force_login(get_user_model().objects.get(username="bench-archive"))
    assert admin.get("/admin/redirects/", {"q": WORD}).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert admin.get("/admin/redirects/", {"q": WORD}).status_code == 200
    ours = [q["sql"] for q in queries if 'FROM "wagtailredirects_redirect"' in q["sql"]]
    statements = {
        ("Kiosque count" if "COUNT(" in sql else "Kiosque page of results"): sql for sql in ours
    }
    # Wagtail's own search of the listing, as its IndexView builds it.
    wagtail_filter = Q()
    for field in IndexView.search_fields:
        wagtail_filter |= Q(**{f"{field}__icontains": WORD})
    stock = (
        Redirect.objects.select_related("redirect_page", "site")
        .filter(wagtail_filter)
        .order_by("old_path")
    )
    with CaptureQueriesContext(connection) as queries:
        list(stock[:20])
        stock.count()
    statements["Wagtail page of results"], statements["Wagtail count"] = (
        q["sql"] for q in queries
    )
    plans = {}
    with connection.cursor() as cursor:
        for label, sql in statements.items():
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
            raw = cursor.fetchone()[0]
            top = (json.loads(raw) if isinstance(raw, str) else raw)[0]
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            text = "\n".join(row[0] for row in cursor.fetchall())
            plan = top["Plan"]
            plans[label] = {
                "ms": top["Execution Time"],
                "buffers": plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0),
                "text": text,
            }
    matches = Redirect.objects.filter(pk__in=redirects_matching(WORD)).count()
    print(json.dumps({"redirects": Redirect.objects.count(), "matches": matches, "plans": plans}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--explain"]:
        explain()
    else:
        main()
