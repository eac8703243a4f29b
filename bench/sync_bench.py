"""Mobile sync at archive scale, in-process, on PostgreSQL: a first sync of every article through
`changes` with full nodes, then an incremental sync after edits. Writes docs/benchmarks-sync.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kiosque_bench_sync make bench-sync

BENCH_SYNC_ARTICLES (default 100000) articles are made with `create_random_data` when the
database holds fewer; BENCH_SYNC_EDITS (default 100) articles are then republished.
"""

import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_kiosque")

import django  # noqa: E402

QUERY = """query AppSync($since: String, $first: Int) {
  changes(since: $since, first: $first) {
    entries { id contentType kind updatedAt node { ...on ArticlePage { ...StoredArticle } } }
    nextCursor hasMore
  }
}
fragment StoredArticle on ArticlePage {
  id title standfirst url publishedAt updatedAt readingTime
  section { title slug }
  authors { name slug role }
  topics { name slug kind }
  leadImage { url width height alt caption credit srcSet(sizes: [480, 960]) }
  body {
    blockType
    ... on ParagraphBlock { html }
    ... on HeadingBlock { text level }
  }
}"""
LISTING = QUERY.split("fragment", 1)[1].join(
    ["query Listing($after: String) {\n  articles(first: 100, after: $after) {\n"
     "    edges { node { ...StoredArticle } } pageInfo { endCursor }\n  }\n}\nfragment", ""]
)  # fmt: skip
PAGE = 100


def run_listing(client, pages):
    """The same article selection through `articles`, for a side-by-side cost per page."""
    after, started, cpu = None, time.perf_counter(), time.process_time()
    for _ in range(pages):
        body = json.dumps({"query": LISTING, "variables": {"after": after}})
        payload = client.post("/graphql/", body, content_type="application/json").json()
        after = payload["data"]["articles"]["pageInfo"]["endCursor"]
    return (time.perf_counter() - started) / pages, (time.process_time() - cpu) / pages


def run_sync(client, since=None, max_pages=None):
    """Follow the feed to its end (or for `max_pages`). Returns figures and the last cursor."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    requests = size = 0
    sql = []
    seen = set()
    started, cpu = time.perf_counter(), time.process_time()
    while True:
        body = json.dumps({"query": QUERY, "variables": {"since": since, "first": PAGE}})
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/graphql/", body, content_type="application/json")
        requests += 1
        size += len(response.content)
        sql.append(len(queries.captured_queries))
        payload = response.json()
        if "errors" in payload:
            raise SystemExit(f"sync failed: {payload['errors']}")
        feed = payload["data"]["changes"]
        for entry in feed["entries"]:
            if entry["contentType"] == "news.ArticlePage" and entry["kind"] == "UPSERT":
                seen.add(int(entry["id"]))
        since = feed["nextCursor"]
        if requests % 50 == 0:
            spent = time.perf_counter() - started
            print(f"  {requests} pages, {len(seen)} articles, {spent:.0f} s", file=sys.stderr)
        if not feed["hasMore"] or requests == max_pages:
            break
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    return {
        "requests": requests,
        "bytes": size,
        "seconds": elapsed,
        "cpu": cpu,
        "sql_min": min(sql),
        "sql_median": statistics.median(sql),
        "sql_max": max(sql),
        "articles": len(seen),
        "complete": not feed["hasMore"],
    }, since


def main() -> None:
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from delivery import feed
    from news.models import ArticlePage
    from news.visibility import published_articles

    if connection.vendor != "postgresql":
        raise SystemExit("bench-sync measures PostgreSQL: set DATABASE_URL=postgres://...")
    target = int(os.environ.get("BENCH_SYNC_ARTICLES", "100000"))
    edits = int(os.environ.get("BENCH_SYNC_EDITS", "100"))
    call_command("migrate", verbosity=0)
    have = ArticlePage.objects.count()
    if have < target:
        call_command("create_random_data", articles=target - have, seed=18)
    from wagtail.models import Site

    root_path = Site.objects.get(is_default_site=True).root_page.path
    public = published_articles(root_path=root_path).count()

    started = time.perf_counter()
    repair = feed.reconcile(dry_run=True)
    check_seconds = time.perf_counter() - started
    load = os.getloadavg()[0]

    client = Client(HTTP_HOST="localhost")
    max_pages = int(os.environ.get("BENCH_SYNC_MAX_PAGES", "0")) or None
    first_cursor = json.loads(
        client.post(
            "/graphql/",
            json.dumps({"query": QUERY, "variables": {"first": 1}}),
            content_type="application/json",
        ).content
    )["data"]["changes"]["nextCursor"]
    full, cursor = run_sync(client, max_pages=max_pages)
    if not full["complete"]:
        # The cursor an app holds once its walk is over: the walk's hand-over point, in the log.
        from delivery.schema import decode_change_cursor, encode_change_cursor
        from delivery.selectors import LOG

        position = decode_change_cursor(first_cursor)
        position.phase, position.after = LOG, 0
        cursor = encode_change_cursor(position)

    listing_wall, listing_cpu = run_listing(client, min(full["requests"], 20))

    rng = random.Random(18)
    pks = list(published_articles(root_path=root_path).values_list("pk", flat=True)[:5000])
    for pk in rng.sample(pks, min(edits, len(pks))):
        article = ArticlePage.objects.get(pk=pk)
        article.standfirst = f"{article.standfirst} (mis à jour)"
        article.save_revision().publish()
    incremental, _ = run_sync(client, since=cursor)

    pages_note = "" if full["complete"] else f" (first {full['requests']} pages only)"
    projected = full["seconds"] / full["requests"] * (public / PAGE)
    rows = [
        ("Public articles in the database", f"{public:,}"),
        ("Full sync measured", "every page" if full["complete"] else
         f"first {full['requests']} of about {public // PAGE + 1} pages (BENCH_SYNC_MAX_PAGES); "
         f"whole sync projected from them: {projected:.0f} s wall (projected, not measured)"),
        ("check_feed (dry run) on the archive", f"{check_seconds:.1f} s, "
         f"{repair.upserts} UPSERT / {repair.deletes} DELETE to write"),
        (f"Full sync: requests (page of {PAGE})", f"{full['requests']:,}"),
        (f"Full sync: articles received{pages_note}", f"{full['articles']:,}"),
        (f"Full sync: bytes{pages_note}", f"{full['bytes'] / 1e6:,.1f} MB"),
        (f"Full sync: time in-process{pages_note} (wall / this process's CPU)",
         f"{full['seconds']:.1f} s / {full['cpu']:.1f} s"),
        ("Per page of 100, feed vs `articles` with the same selection (wall / CPU)",
         f"{full['seconds'] / full['requests']:.2f} s / {full['cpu'] / full['requests']:.2f} s "
         f"vs {listing_wall:.2f} s / {listing_cpu:.2f} s"),
        ("Full sync: SQL per page (min / median / max)",
         f"{full['sql_min']} / {full['sql_median']:g} / {full['sql_max']}"),
        (f"Incremental sync after {edits} edits: requests", f"{incremental['requests']}"),
        ("Incremental sync: articles received", f"{incremental['articles']}"),
        ("Incremental sync: bytes / time",
         f"{incremental['bytes'] / 1e3:,.1f} kB / {incremental['seconds']:.2f} s"),
        ("Incremental sync: SQL per page (max)", f"{incremental['sql_max']}"),
    ]  # fmt: skip
    lines = [
        "# Mobile sync at archive scale",
        "",
        "Written by `make bench-sync` (bench/sync_bench.py); do not edit by hand.",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on PostgreSQL "
        f"({connection.pg_version // 10000}), in-process (Django test client, no HTTP), "
        f"settings `{settings.SETTINGS_MODULE}`, each page the `AppSync` operation of "
        f"docs/api.md with full article nodes. Load average at the start: {load:.1f} on "
        f"{os.cpu_count()} cores (a shared machine: wall times are upper bounds; the process's "
        "CPU time excludes waiting for a core and the database server's work).",
        "",
        "| measure | value |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in rows),
        "",
        "Targets (issue 18): constant SQL per page whatever the archive size (min = max above), "
        "full sync under 2 minutes in-process, 100 edits in one request.",
        "",
    ]
    out = ROOT / "docs" / "benchmarks-sync.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))
    if full["complete"] and full["articles"] != public:
        raise SystemExit(f"the sync received {full['articles']} articles, not {public}")


if __name__ == "__main__":
    main()
