"""Mobile sync at archive scale, in-process, on PostgreSQL: whole first syncs of every article
through `changes` with full nodes (one per page size), then an incremental sync after edits.
Writes docs/benchmarks-sync.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kiosque_bench_sync make bench-sync

BENCH_SYNC_ARTICLES (default 100000) articles are made with `create_random_data` when the
database holds fewer; BENCH_SYNC_PAGES (default "100,250": the default page and the feed's
largest) sets the page sizes, each a whole sync; BENCH_SYNC_EDITS (default 100) articles are
then republished. BENCH_SYNC_MAX_PAGES stops each sync early for a trial run: the report then
says the sync was not measured whole (nothing is projected).

The process's heap is settled after a warm-up request as a gunicorn worker's is (cms.heap).
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
LISTING_PAGE = 100


def run_listing(client, pages):
    """The same article selection through `articles`, for a side-by-side cost per page."""
    after, started, cpu = None, time.perf_counter(), time.process_time()
    for _ in range(pages):
        body = json.dumps({"query": LISTING, "variables": {"after": after}})
        payload = client.post("/graphql/", body, content_type="application/json").json()
        after = payload["data"]["articles"]["pageInfo"]["endCursor"]
    return (time.perf_counter() - started) / pages, (time.process_time() - cpu) / pages


def run_sync(client, page, since=None, max_pages=None):
    """Follow the feed to its end (or for `max_pages`). Returns figures and the last cursor."""
    from django.db import connection

    requests = size = 0
    sql = []
    sql_seconds = 0.0

    # Counted by a wrapper, not CaptureQueriesContext: Django's query log keeps the last 9,000
    # statements, after which a whole sync's pages would count none.
    def timed(execute, statement, params, many, context):
        nonlocal sql_seconds
        sql[-1] += 1
        started = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            sql_seconds += time.perf_counter() - started

    seen = set()
    started, cpu = time.perf_counter(), time.process_time()
    while True:
        body = json.dumps({"query": QUERY, "variables": {"since": since, "first": page}})
        sql.append(0)
        with connection.execute_wrapper(timed):
            response = client.post("/graphql/", body, content_type="application/json")
        requests += 1
        size += len(response.content)
        payload = response.json()
        if "errors" in payload:
            raise SystemExit(f"sync failed: {payload['errors']}")
        feed = payload["data"]["changes"]
        for entry in feed["entries"]:
            if entry["contentType"] == "news.ArticlePage" and entry["kind"] == "UPSERT":
                seen.add(int(entry["id"]))
        since = feed["nextCursor"]
        if requests % 100 == 0:
            spent = time.perf_counter() - started
            print(f"  {requests} pages, {len(seen)} articles, {spent:.0f} s", file=sys.stderr)
        if not feed["hasMore"] or requests == max_pages:
            break
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    return {
        "page": page,
        "sql_seconds": sql_seconds,
        "requests": requests,
        "bytes": size,
        "seconds": elapsed,
        "cpu": cpu,
        # The first page also reads the sections and the last one looks into the log: the walk's
        # pages in between show whether a page costs the same deep in the archive.
        "sql_first_last": (sql[0], sql[-1]),
        "sql_min": min(sql[1:-1] or sql),
        "sql_median": statistics.median(sql[1:-1] or sql),
        "sql_max": max(sql[1:-1] or sql),
        "articles": len(seen),
        "complete": not feed["hasMore"],
    }, since


def main() -> None:
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from cms import heap
    from delivery import feed
    from delivery.schema import feed_page_size
    from news.models import ArticlePage
    from news.visibility import published_articles

    if connection.vendor != "postgresql":
        raise SystemExit("bench-sync measures PostgreSQL: set DATABASE_URL=postgres://...")
    target = int(os.environ.get("BENCH_SYNC_ARTICLES", "100000"))
    edits = int(os.environ.get("BENCH_SYNC_EDITS", "100"))
    pages = [int(n) for n in os.environ.get("BENCH_SYNC_PAGES", f"100,{feed_page_size()}")
             .split(",")]  # fmt: skip
    max_pages = int(os.environ.get("BENCH_SYNC_MAX_PAGES", "0")) or None
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

    client = Client(HTTP_HOST="localhost")
    warm = json.dumps({"query": QUERY, "variables": {"first": pages[0]}})
    client.post("/graphql/", warm, content_type="application/json")  # schema, documents
    heap.settle()
    load_start = os.getloadavg()[0]
    bench_started = time.perf_counter()

    syncs, cursor = [], None
    for page in pages:
        figures, cursor = run_sync(client, page, max_pages=max_pages)
        syncs.append(figures)
    listing_wall, listing_cpu = run_listing(client, 20)

    rng = random.Random(18)
    pks = list(published_articles(root_path=root_path).values_list("pk", flat=True)[:5000])
    for pk in rng.sample(pks, min(edits, len(pks))):
        article = ArticlePage.objects.get(pk=pk)
        article.standfirst = f"{article.standfirst} (mis à jour)"
        article.save_revision().publish()
    incremental = None
    if all(s["complete"] for s in syncs):
        # From the cursor the last whole sync ended with, as an app holds it.
        incremental, _ = run_sync(client, 100, since=cursor)
    load_end = os.getloadavg()[0]
    write_report(
        settings=settings.SETTINGS_MODULE, pg=connection.pg_version // 10000, public=public,
        check=(check_seconds, repair), syncs=syncs, listing=(listing_wall, listing_cpu),
        edits=edits, incremental=incremental, load=(load_start, load_end),
        seconds=time.perf_counter() - bench_started,
    )  # fmt: skip
    for figures in syncs:
        if figures["complete"] and figures["articles"] != public:
            raise SystemExit(f"the sync received {figures['articles']} articles, not {public}")


TARGET_SECONDS = 120


def write_report(*, settings, pg, public, check, syncs, listing, edits, incremental, load,
                 seconds) -> None:  # fmt: skip
    check_seconds, repair = check
    rows = [
        ("Public articles in the database", f"{public:,}"),
        ("check_feed (dry run) on the archive",
         f"{check_seconds:.1f} s, {repair.upserts} UPSERT / {repair.deletes} DELETE to write"),
    ]  # fmt: skip
    verdicts = []
    for s in syncs:
        page = s["page"]
        whole = "whole sync" if s["complete"] else f"first {s['requests']} pages only, NOT whole"
        per_page = s["seconds"] / s["requests"], s["cpu"] / s["requests"]
        rows += [
            (f"**Full sync, pages of {page}** ({whole}): requests", f"{s['requests']:,}"),
            (f"pages of {page}: articles received", f"{s['articles']:,}"),
            (f"pages of {page}: bytes", f"{s['bytes'] / 1e6:,.1f} MB"),
            (f"pages of {page}: time in-process (wall / this process's CPU)",
             f"**{s['seconds']:.1f} s** / {s['cpu']:.1f} s"),
            (f"pages of {page}: per page (wall / CPU / SQL time seen by the client)",
             f"{per_page[0] * 1000:.0f} ms / {per_page[1] * 1000:.0f} ms / "
             f"{s['sql_seconds'] / s['requests'] * 1000:.1f} ms"),
            (f"pages of {page}: SQL per page of the walk (min / median / max; first and last "
             "page)", f"{s['sql_min']} / {s['sql_median']:g} / {s['sql_max']}; "
             f"{s['sql_first_last'][0]} and {s['sql_first_last'][1]}"),
        ]  # fmt: skip
        if s["complete"]:
            met = s["seconds"] < TARGET_SECONDS
            verdicts.append(
                f"- Pages of {page}: whole sync in {s['seconds']:.0f} s wall "
                f"({s['cpu']:.0f} s CPU): target {'met' if met else 'NOT met'}; SQL per page "
                f"{'constant' if s['sql_min'] == s['sql_max'] else 'NOT constant'} "
                f"({s['sql_min']}-{s['sql_max']})."
            )
        else:
            verdicts.append(f"- Pages of {page}: not measured whole; no verdict.")
    first = syncs[0]
    rows.append(
        (f"Per page of {LISTING_PAGE}, `articles` with the same selection (20 pages; wall / CPU)",
         f"{listing[0] * 1000:.0f} ms / {listing[1] * 1000:.0f} ms (feed, pages of "
         f"{first['page']}: {first['seconds'] / first['requests'] * 1000:.0f} ms / "
         f"{first['cpu'] / first['requests'] * 1000:.0f} ms)")
    )  # fmt: skip
    if incremental is not None:
        rows += [
            (f"Incremental sync after {edits} edits: requests", f"{incremental['requests']}"),
            ("Incremental sync: articles received", f"{incremental['articles']}"),
            ("Incremental sync: bytes / time",
             f"{incremental['bytes'] / 1e3:,.1f} kB / {incremental['seconds']:.2f} s"),
            ("Incremental sync: SQL per page (max)", f"{incremental['sql_max']}"),
        ]  # fmt: skip
        verdicts.append(
            f"- Incremental sync after {edits} edits: {incremental['requests']} request(s): "
            f"target {'met' if incremental['requests'] == 1 else 'NOT met'}."
        )
    else:
        verdicts.append("- Incremental sync: not measured (the first syncs were not whole).")
    lines = [
        "# Mobile sync at archive scale",
        "",
        "Written by `make bench-sync` (bench/sync_bench.py); do not edit by hand.",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on PostgreSQL ({pg}), in-process (Django "
        f"test client, no HTTP), settings `{settings}`, each page the `AppSync` operation of "
        "bench/sync_bench.py (docs/api.md's sync with full article nodes: section, authors, "
        "topics, lead image with srcSet, body paragraphs and headings), the process's heap "
        "settled after a warm-up as a gunicorn worker's is (cms/heap.py). Every sync below "
        "follows the feed from no cursor to `hasMore: false` unless it says otherwise; nothing "
        f"is projected. Load average {load[0]:.1f} at the start and {load[1]:.1f} at the end on "
        f"{os.cpu_count()} cores, shared with other jobs: wall times are upper bounds; the "
        "process's CPU time excludes waiting for a core and the database server's work. "
        f"Whole run: {seconds:.0f} s.",
        "",
        "| measure | value |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in rows),
        "",
        f"Targets (issue 18): full first sync of the archive under {TARGET_SECONDS} s "
        "in-process, constant SQL per page whatever the archive size, 100 edits in one request.",
        "",
        *verdicts,
        "",
    ]
    out = ROOT / "docs" / "benchmarks-sync.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
