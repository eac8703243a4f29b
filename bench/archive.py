"""Archive benchmark (issue 19): each reader, app and editor path on a small and a large archive.

    make bench-archive                     # 1,000 and 100,000 on PostgreSQL, 10,000 on SQLite
    BENCH_ARCHIVE_SIZES=1000,20000 make bench-archive      # smaller PostgreSQL sizes

Each size has its own database (PostgreSQL: <BENCH_ARCHIVE_DB>_<n>, default
kiosque_bench_archive_<n>, on BENCH_ARCHIVE_PG, default postgres://postgres@127.0.0.1:5432;
SQLite: var/bench-archive-<n>.sqlite3), built once with the demo plus `create_random_data` and
reused by later runs (migrated, and on PostgreSQL vacuumed, each time).
`python bench/archive.py --build` only builds them (the 100,000 one takes a while on a busy
machine), so a later run only measures. Every
path runs in-process through Django's test client, response cache off, 1 warm-up then
BENCH_ARCHIVE_RUNS timed runs (median reported), all sizes in one run so ratios compare like
with like on this shared machine, BENCH_ARCHIVE_ROUNDS rounds (default 3) over the sizes in
alternating order. Writes docs/benchmarks-archive.md.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks-archive.md"
PG = os.environ.get("BENCH_ARCHIVE_PG", "postgres://postgres@127.0.0.1:5432")
DB_PREFIX = os.environ.get("BENCH_ARCHIVE_DB", "kiosque_bench_archive")
RUNS = int(os.environ.get("BENCH_ARCHIVE_RUNS", "7"))
ROUNDS = int(os.environ.get("BENCH_ARCHIVE_ROUNDS", "3"))
TARGET_RATIO = 1.5
TARGET_MS = 300.0

CARD = "edges { cursor node { title url standfirst publishedAt topics { name } } }"
QUERIES = {
    "listing, first page": ("{ articles(first: 20) { %s } }" % CARD, None),  # noqa: UP031
    "listing + totalCount": ("{ articles(first: 20) { totalCount %s } }" % CARD, None),  # noqa: UP031
    "listing after 90% of the archive": (
        "query($a: String) { articles(first: 20, after: $a) { %s } }" % CARD,  # noqa: UP031
        "deep",
    ),
    "rare topic (fewest articles)": (
        "query($t: String) { articles(first: 20, topic: $t) { totalCount %s } }" % CARD,  # noqa: UP031
        "rare",
    ),
    "common topic (most articles)": (
        "query($t: String) { articles(first: 20, topic: $t) { totalCount %s } }" % CARD,  # noqa: UP031
        "common",
    ),
    "author": (
        "query($u: String) { articles(first: 20, author: $u) { totalCount %s } }" % CARD,  # noqa: UP031
        "author",
    ),
    "search, common word": (
        '{ search(query: "tramway", first: 20) { totalCount edges { node { title } } } }',
        None,
    ),
}


def sizes() -> list[tuple[str, str, int]]:
    pg = [int(n) for n in os.environ.get("BENCH_ARCHIVE_SIZES", "1000,100000").split(",")]
    targets = [("PostgreSQL", f"{PG}/{DB_PREFIX}_{n}", n) for n in pg]
    for n in [int(n) for n in os.environ.get("BENCH_ARCHIVE_SQLITE", "10000").split(",") if n]:
        targets.append(("SQLite", f"sqlite:///{ROOT / 'var' / f'bench-archive-{n}.sqlite3'}", n))
    return targets


def _env(url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench.settings_kiosque",
        "KIOSQUE_CACHE_ENABLED": "false",
        "MEDIA_ROOT": str(ROOT / "var" / "bench-media"),
    }


def _create_pg_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main(build_only: bool = False) -> None:
    targets = sizes()
    for engine, url, n in targets:
        if engine == "PostgreSQL":
            _create_pg_database(url)
        print(f"{engine} {n:,}: preparing", flush=True)
        subprocess.run([sys.executable, __file__, "--prepare", str(n)], env=_env(url), check=True)
    if build_only:
        return
    # Sizes are measured one after the other; other jobs on the machine come and go. Several
    # rounds, in alternating order, keep a busy spell from landing on one size only: each
    # path's figure is the median of its per-round medians.
    rounds: dict[tuple[str, int], list] = {}
    for round_number in range(ROUNDS):
        order = targets if round_number % 2 == 0 else targets[::-1]
        for engine, url, n in order:
            print(f"{engine} {n:,}: measuring (round {round_number + 1}/{ROUNDS})", flush=True)
            out = subprocess.run(
                [sys.executable, __file__, "--measure"],
                env=_env(url),
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            rounds.setdefault((engine, n), []).append(json.loads(out.strip().splitlines()[-1]))
    results = []
    for engine, _url, n in targets:
        measured = rounds[(engine, n)]
        timings = {
            path: (
                None
                if any(m["timings"][path] is None for m in measured)
                else statistics.median(m["timings"][path] for m in measured)
            )
            for path in measured[0]["timings"]
        }
        notes = [note for m in measured for note in m["notes"]]
        results.append((engine, n, timings, notes))
    write_report(results)
    print(f"Wrote {REPORT.relative_to(ROOT)}")


def write_report(results) -> None:
    by_engine: dict[str, list] = {}
    notes = []
    for engine, n, timings, size_notes in results:
        by_engine.setdefault(engine, []).append((n, timings))
        notes += [f"{engine} {n:,}: {note}" for note in size_notes]
    lines = [
        "# Archive benchmark: the same paths on a small and a large archive",
        "",
        f"Written by `make bench-archive` (bench/archive.py) on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; do not edit by hand. In-process (Django's "
        f"test client), response cache off, median of {RUNS} runs after one warm-up, all sizes "
        f"in one run on a shared 2-core machine (PostgreSQL databases vacuumed first, as "
        f"autovacuum would), {ROUNDS} rounds over the sizes in alternating "
        "order (each figure: the median of its per-round medians). Target: at most "
        f"{TARGET_RATIO}x the smallest size and under {TARGET_MS:.0f} ms at the largest. "
        f"Load average when written: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
        "(other jobs share the machine: compare the ratios, not the absolute times, "
        "when it is far above the core count).",
        "",
    ]
    for engine, rows in by_engine.items():
        rows.sort(key=lambda row: row[0])
        head = [f"{n:,} articles (ms)" for n, _ in rows]
        lines.append(f"## {engine}")
        lines.append("")
        lines.append("| path | " + " | ".join(head) + " | ratio | target met |")
        lines.append("|---|" + "---|" * (len(rows) + 2))
        for path in rows[0][1]:
            values = [t.get(path) for _, t in rows]
            cells = [f"{v:.1f}" if v is not None else "n/a" for v in values]
            if len(rows) > 1 and None not in (values[0], values[-1]) and values[0] > 0:
                ratio = values[-1] / values[0]
                met = ratio <= TARGET_RATIO and values[-1] <= TARGET_MS
                # Below a few ms the ratio is noise; the absolute bound is what matters.
                met = met or values[-1] <= 5.0
                lines.append(
                    f"| {path} | {' | '.join(cells)} | {ratio:.2f}x | {'yes' if met else 'NO'} |"
                )
            else:
                lines.append(f"| {path} | {' | '.join(cells)} | | |")
        lines.append("")
    lines += [f"- {note}" for note in dict.fromkeys(notes)]
    REPORT.write_text("\n".join(lines) + "\n")


# -- in the child processes (one database each) ---------------------------------------------


def _django():
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(n: int) -> None:
    _django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from news.models import ArticlePage
    from search import services
    from search.models import ArticleSearchDocument

    call_command("migrate", interactive=False, verbosity=0)
    if not ArticlePage.objects.exists():
        call_command("load_demo_content", verbosity=0)
    missing = n - (ArticlePage.objects.count() - 40)
    if missing > 0:
        call_command("create_random_data", articles=missing, seed=1)
    live = ArticlePage.objects.live().count()
    # Rebuilding 100,000 documents takes long on a busy machine: BENCH_ARCHIVE_SKIP_INDEX=1
    # measures without it, and the report says how much of the index the search path had.
    skip = os.environ.get("BENCH_ARCHIVE_SKIP_INDEX") == "1"
    if ArticleSearchDocument.objects.count() != live and not skip:
        print(f"indexing {live:,} articles for search", flush=True)
        services.rebuild_index(batch_size=2000)
    _ensure_redirects(n)
    User = get_user_model()
    if not User.objects.filter(username="bench-archive").exists():
        User.objects.create_superuser("bench-archive", "bench@example.fr", "bench-archive")
    _vacuum()


def _vacuum() -> None:
    """PostgreSQL: set the visibility map of the bulk-written tables, as autovacuum would on a
    live database. Without it (autovacuum may be off, and is slow to reach fresh tables) an
    index-only scan reads the table too, and the 100,000-article figures measure that."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")


def _ensure_redirects(n: int) -> None:
    """One redirect per ten articles, like the old addresses a WordPress import leaves: the
    redirect search then has an archive-sized table to search (create_random_data writes
    none)."""
    from wagtail.contrib.redirects.models import Redirect

    from news.models import ArticlePage

    wanted = max(1, n // 10)
    if Redirect.objects.count() >= wanted:
        return
    # Slicing with a step reads the rows (ids and slugs only) and keeps every tenth.
    rows = ArticlePage.objects.order_by("pk").values_list("pk", "slug")[: wanted * 10 : 10]
    Redirect.objects.bulk_create(
        [Redirect(old_path=f"/archives/{pk}/{slug}", redirect_page_id=pk) for pk, slug in rows],
        ignore_conflicts=True,
        batch_size=2000,
    )


def _timed(fn) -> float:
    fn()  # warm-up
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def measure() -> None:
    _django()
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from news.models import ArticleAuthor, ArticlePage, SectionPage, Topic
    from news.schema import encode_cursor
    from search.models import ArticleSearchDocument

    client = Client()
    ordered = ArticlePage.objects.live().filter(published_at__isnull=False)
    total = ordered.count()
    deep = ordered.order_by("-published_at", "-pk")[int(total * 0.9)]
    topics = Topic.objects.annotate(n=Count("articlepage")).filter(n__gt=0).order_by("n", "pk")
    author = (
        ArticleAuthor.objects.values("author__slug")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()["author__slug"]
    )
    variables = {
        "deep": {"a": encode_cursor(deep)},
        "rare": {"t": topics.first().slug},
        "common": {"t": topics.last().slug},
        "author": {"u": author},
    }
    timings, notes = {}, []
    indexed = ArticleSearchDocument.objects.count()
    for label, (query, key) in QUERIES.items():
        if label.startswith("search") and indexed < total:
            timings[label] = None
            notes.append(f"search index held {indexed:,} of {total:,} articles: not measured")
            continue

        def run(query=query, key=key):
            response = client.post(
                "/graphql/",
                {"query": query, "variables": variables.get(key) or {}},
                content_type="application/json",
            )
            payload = response.json()
            assert "errors" not in payload, payload

        timings[label] = _timed(run)

    article = ordered.order_by("-published_at").first().specific

    def save_draft():
        article.title = article.title.rstrip(" .") + "."
        article.save_revision()

    def publish():
        article.save_revision().publish()

    timings["save a draft"] = _timed(save_draft)
    timings["save and publish"] = _timed(publish)

    admin = Client()
    admin.force_login(get_user_model().objects.get(username="bench-archive"))
    biggest = max(SectionPage.objects.all(), key=lambda s: s.numchild)
    last_page = max(1, -(-biggest.numchild // 50))
    admin_paths = {
        "admin page search, common word": "/admin/pages/search/?q=tramway",
        "admin explorer, last page of a section": f"/admin/pages/{biggest.pk}/?p={last_page}",
        "admin page chooser search": "/admin/choose-page/search/?q=tramway",
        "admin redirects search": "/admin/redirects/?q=tramway",
        "admin report, aging pages": "/admin/reports/aging-pages/",
        "admin report, site history": "/admin/reports/site-history/",
    }
    for label, url in admin_paths.items():

        def get(url=url):
            response = admin.get(url)
            assert response.status_code == 200, (url, response.status_code)

        timings[label] = _timed(get)
    print(json.dumps({"timings": timings, "notes": notes}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--prepare"]:
        prepare(int(sys.argv[2]))
    elif sys.argv[1:2] == ["--measure"]:
        measure()
    else:
        main(build_only=sys.argv[1:2] == ["--build"])
