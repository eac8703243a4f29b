"""Benchmark: Kiosque against stock grapple, Wagtail's REST API v2 and a static file.

    make bench                                   # 1,000 articles, SQLite, wrk for 10 s a case
    .venv/bin/python bench/run.py --articles 1000 --database-url postgres://.../kiosque_bench
    .venv/bin/python bench/run.py --no-load      # in-process figures only
    .venv/bin/python bench/run.py --matrix --database-url postgres://.../kiosque_bench \
        --redis-url redis://127.0.0.1:6379/4 --write-section docs/benchmarks.md

Same data, one run: (a) Kiosque `articles(first: 20)` card selection; (b) stock grapple
`pages(contentType: "news.ArticlePage", limit: 20)` with the same fields, in its own process
(bench/settings_stock.py); (c) Wagtail's REST API v2 listing (bench/urls.py); (d) the listing's
bytes as a static file served by WhiteNoise; plus Kiosque's full `article(urlPath:)` and `home`.
For each: SQL count and in-process p50/p95 (Django test client), then gunicorn (2 sync workers)
on 127.0.0.1 under wrk (16 connections): requests/s and p99, uncached and cached.
Prints a markdown report; --write FILE saves it.

--matrix runs the whole bench four times, one after the other: SQLite and PostgreSQL (same
generator, same seed, same article count), each with the local-memory cache and with Redis, so the
database's effect and the cache backend's effect on the ratios can be told apart. --write-section
FILE replaces the text between FILE's bench-matrix markers with that report.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
VAR = ROOT / "var"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--database-url", default=None, help="default: var/bench-N.sqlite3")
    parser.add_argument("--redis-url", default=None, help="response cache in Redis (else locmem)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per case")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--no-load", action="store_true", help="skip gunicorn + wrk")
    parser.add_argument("--write", default=None, help="save the markdown report to this file")
    parser.add_argument(
        "--matrix", action="store_true",
        help="SQLite and --database-url (PostgreSQL), each with local memory and --redis-url",
    )  # fmt: skip
    parser.add_argument(
        "--write-section", default=None,
        help="replace the bench-<section> part of this markdown file with the report",
    )  # fmt: skip
    parser.add_argument(
        "--tail", action="store_true",
        help="only the cached listing against the static file, alternated --rounds times, with "
        "local memory and with --redis-url (issue 15, item 4); --write-section writes the "
        "bench-tail section",
    )  # fmt: skip
    parser.add_argument("--rounds", type=int, default=2, help="--tail: rounds per case")
    parser.add_argument("--section", default="matrix", help="its marker name (bench-NAME)")
    args = parser.parse_args()
    if args.tail and not args.redis_url:
        parser.error("--tail needs a --redis-url")
    if args.matrix and not ((args.database_url or "").startswith("postgres") and args.redis_url):
        parser.error("--matrix needs a PostgreSQL --database-url and a --redis-url")
    return args


def base_env(args) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env["DATABASE_URL"] = (
        args.database_url or f"sqlite:///{VAR / f'bench-{args.articles}.sqlite3'}"
    )
    env["MEDIA_ROOT"] = str(VAR / "bench-media")
    env["BENCH_STATIC_ROOT"] = str(VAR / "bench-static")
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings_kiosque"
    env["PYTHONPATH"] = str(ROOT)
    env["DB_CONN_MAX_AGE"] = "600"
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
        # One key space per database: entries of another data set must never be served.
        env["CACHE_KEY_PREFIX"] = (
            "kiosque-bench-"
            + hashlib.sha256(env["DATABASE_URL"].encode()).hexdigest()[:8]
            + f"-{time.time_ns()}"
        )
    return env


def manage(env, *argv, capture=False):
    return subprocess.run(
        [PY, "manage.py", *argv], cwd=ROOT, env=env, check=True, text=True,
        capture_output=capture,
    )  # fmt: skip


def prepare_data(args, env) -> str:
    """Make sure the database holds exactly the wanted number of articles; return one's path."""
    manage(env, "migrate", "--noinput", "-v0")
    script = (
        "from news.models import ArticlePage;"
        "from wagtail.models import Site;"
        "s=Site.objects.get(is_default_site=True);"
        "a=ArticlePage.objects.live().order_by('-published_at').first();"
        "print(ArticlePage.objects.count(), a and a.url_path[len(s.root_page.url_path)-1:])"
    )
    # `shell` may print its own lines first; ours is the last.
    count = int(
        manage(env, "shell", "-c", script, capture=True).stdout.splitlines()[-1].split()[0]
    )
    if count > args.articles:
        raise SystemExit(f"The database already has {count} articles; use another one.")
    if count < args.articles:
        manage(env, "create_random_data", "--articles", str(args.articles - count), "--seed", "7")
    # Stored renders (news.renders) for articles written before they existed; a no-op otherwise.
    manage(env, "rebuild_renders", "--missing", capture=True)
    out = manage(env, "shell", "-c", script, capture=True).stdout.splitlines()[-1].split()
    return out[1]


def inprocess(env, settings, cases, extra=None) -> dict:
    run_env = {**env, "DJANGO_SETTINGS_MODULE": settings, **(extra or {})}
    out = subprocess.run(
        [PY, "-m", "bench.inprocess", *cases], cwd=ROOT, env=run_env, check=True, text=True,
        capture_output=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def server_line(env: dict) -> str:
    from bench.harness import server_description

    # The bench sets workers and class on gunicorn's command line (Server below).
    return "gunicorn " + server_description(
        env, workers=2, worker_class="sync", freeze="after preload "
    )


class Server:
    """gunicorn, 2 sync workers, on 127.0.0.1, with gunicorn.conf.py's other settings (it is
    read from ROOT: max-requests, preload and gc.freeze()); stopped by its own pid only."""

    def __init__(self, env, settings, extra=None):
        from bench.harness import free_port

        self.port = free_port()
        self.env = {**env, "DJANGO_SETTINGS_MODULE": settings, **(extra or {})}

    def __enter__(self):
        from bench.harness import gunicorn_settings

        conf = gunicorn_settings(self.env)
        self.proc = subprocess.Popen(
            [GUNICORN, "cms.wsgi:application", "--workers", "2", "--worker-class", "sync",
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
             "--max-requests", str(conf["max_requests"]),
             "--max-requests-jitter", str(conf["max_requests_jitter"])],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 180  # a loaded machine starts Django slowly
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/listing.json", timeout=2)
                return self
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.3)
        self.__exit__()
        raise SystemExit("gunicorn did not start")

    def worker_rss_mb(self) -> float:
        total = 0
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
            except OSError:
                continue
            if re.search(rf"^PPid:\s+{self.proc.pid}$", text, re.M):
                match = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
                total = max(total, int(match.group(1)) if match else 0)
        return round(total / 1024, 1)

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def wrk(port, path, args, warm=True) -> dict:
    url = f"http://127.0.0.1:{port}{path}"
    if warm:
        urllib.request.urlopen(url, timeout=30).read()
        # Warm every worker (each has its own local-memory cache and lazy state), at the
        # measured concurrency: two requests could both land on one worker, the other cold.
        subprocess.run(
            ["wrk", "-t2", f"-c{args.connections}", "-d2s", url],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
    out = subprocess.run(
        ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency", url],
        check=True, text=True, capture_output=True, timeout=args.duration + 60,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": round(rps, 1),
        "p99_ms": round(float(p99.group(1)) * scale, 2),
        "non2xx": int(errors.group(1)) if errors else 0,
    }


def measure(args, env) -> tuple[dict, dict, dict]:
    """In-process rows, load figures and worker memory for one database + cache combination."""
    article_path = prepare_data(args, env)
    env = {**env, "BENCH_ARTICLE_PATH": article_path}
    from bench.queries import request_for

    uncached = {"KIOSQUE_CACHE_ENABLED": "false"}
    static_out = {"BENCH_STATIC_OUT": str(VAR / "bench-static" / "listing.json")}
    kiosque_cases = ["kiosque_listing", "kiosque_article", "kiosque_home", "rest_listing"]
    rows = {}
    rows["uncached"] = inprocess(
        env, "bench.settings_kiosque", kiosque_cases, {**uncached, **static_out}
    )
    rows["uncached"].update(inprocess(env, "bench.settings_stock", ["stock_listing",
                                                                    "stock_article"]))  # fmt: skip
    rows["cached"] = inprocess(
        env,
        "bench.settings_kiosque",
        ["kiosque_listing", "kiosque_article", "kiosque_home", "static"],  # fmt: skip
    )

    load = {"uncached": {}, "cached": {}}
    memory = {}
    if not args.no_load:
        with Server(env, "bench.settings_kiosque", uncached) as server:
            for case in kiosque_cases:
                load["uncached"][case] = wrk(server.port, request_for(case)[1], args)
            memory["Kiosque (uncached)"] = server.worker_rss_mb()
        with Server(env, "bench.settings_stock") as server:
            for case in ("stock_listing", "stock_article"):
                load["uncached"][case] = wrk(server.port, request_for(case)[1], args)
            memory["stock grapple"] = server.worker_rss_mb()
        with Server(env, "bench.settings_kiosque") as server:
            for case in ("kiosque_listing", "kiosque_article", "kiosque_home", "static"):
                load["cached"][case] = wrk(server.port, request_for(case)[1], args)
            memory["Kiosque (cached)"] = server.worker_rss_mb()
    return rows, load, memory


def main():
    args = parse_args()
    if not args.no_load and not shutil.which("wrk"):
        raise SystemExit("wrk is needed for the load part (apt-get install wrk), or --no-load.")
    VAR.mkdir(exist_ok=True)
    (VAR / "bench-static").mkdir(exist_ok=True)
    if args.tail:
        report = run_tail(args)
    elif args.matrix:
        report = run_matrix(args)
    else:
        env = base_env(args)
        started = time.monotonic()
        rows, load, memory = measure(args, env)
        report = render(args, env, rows, load, memory, time.monotonic() - started)
    print(report)
    if args.write:
        Path(args.write).write_text(report, encoding="utf-8")
    if args.write_section:
        write_section(Path(args.write_section), report, "tail" if args.tail else args.section)


MATRIX_START = "<!-- bench-matrix:start (written by bench/run.py --matrix; do not edit) -->"
MATRIX_END = "<!-- bench-matrix:end -->"
TAIL_START = "<!-- bench-tail:start (written by bench/run.py --tail; do not edit) -->"
TAIL_END = "<!-- bench-tail:end -->"


def write_section(path: Path, report: str, name: str = "matrix") -> None:
    option = {"matrix": "matrix", "tail": "tail"}.get(name, f"section {name}")
    start = f"<!-- bench-{name}:start (written by bench/run.py --{option}; do not edit) -->"
    end = f"<!-- bench-{name}:end -->"
    text = path.read_text(encoding="utf-8")
    if start not in text or end not in text:
        raise SystemExit(f"{path} has no bench-{name} markers:\n{start}\n{end}")
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    path.write_text(f"{head}{start}\n\n{report}\n{end}{tail}", encoding="utf-8")


TAIL_CONFIGS = [
    # (label, cache, extra environment, whether the targets apply)
    ("local memory", "local memory", {}, True),
    ("Redis", "Redis", {}, True),
    (
        "local memory, max-requests 2000 (the former gunicorn.conf.py default, for reference)",
        "local memory", {"GUNICORN_MAX_REQUESTS": "2000"}, False,
    ),
]  # fmt: skip


def run_tail(args) -> str:
    """Cached listing against the static file of the same bytes, alternated in one server per
    configuration: the ratios of item 4 of issue 15, each from the medians of its rounds."""
    import statistics

    started, load_before = time.monotonic(), os.getloadavg()
    base = base_env(argparse.Namespace(**{**vars(args), "redis_url": None}))
    article_path = prepare_data(args, base)
    static_out = {"BENCH_STATIC_OUT": str(VAR / "bench-static" / "listing.json")}
    # The static file holds the bytes of the listing's answer (written before WhiteNoise starts).
    inprocess(base, "bench.settings_kiosque", ["kiosque_listing"], static_out)
    from bench.queries import request_for

    results = []
    for label, cache, extra, targeted in TAIL_CONFIGS:
        redis = args.redis_url if cache == "Redis" else None
        env = base_env(argparse.Namespace(**{**vars(args), "redis_url": redis}))
        env["BENCH_ARTICLE_PATH"] = article_path
        rounds = []
        print(f"== tail: {label} ==", file=sys.stderr, flush=True)
        # In-process first (Django's test client, warm, SQL counted): what one hit costs.
        hits = inprocess(env, "bench.settings_kiosque", ["kiosque_listing", "static"], extra)
        with Server(env, "bench.settings_kiosque", extra) as server:
            for number in range(args.rounds):
                order = ("kiosque_listing", "static")
                for case in order if number % 2 == 0 else order[::-1]:
                    figures = wrk(server.port, request_for(case)[1], args, warm=number < 2)
                    rounds.append({"round": number + 1, "case": case, **figures})
        run_env = {**env, **extra}

        def median(case, key, rounds=rounds):
            return statistics.median(r[key] for r in rounds if r["case"] == case)

        results.append({
            "label": label, "cache": cache, "targeted": targeted, "rounds": rounds,
            "server": server_line(run_env),
            "rps": median("kiosque_listing", "rps") / median("static", "rps"),
            "p99": median("kiosque_listing", "p99_ms") / median("static", "p99_ms"),
            "non2xx": sum(r["non2xx"] for r in rounds), "inprocess": hits,
        })  # fmt: skip
    return render_tail(args, results, time.monotonic() - started, load_before)


def render_tail(args, results, elapsed, load_before) -> str:
    lines = [
        f"### Tail latency: cached listing against the static file ({args.articles:,} articles, "
        "SQLite)",
        "",
        "The cached `articles(first: 20)` answer against WhiteNoise serving a file holding the "
        "same bytes, from the same server, alternated "
        f"{args.rounds} times (wrk {args.duration} s, {args.connections} connections, 2 "
        "threads, after a 2 s warm-up at the same concurrency before its first round). Ratios "
        "come from the medians of the rounds of one configuration (short rounds, many of them: "
        "other work on the machine comes and goes); compare rows of this run only.",
        "",
        "| configuration | round | case | req/s | p99 ms | non-2xx |",
        "|---|---|---|---|---|---|",
    ]
    for result in results:
        for r in result["rounds"]:
            case = "cached listing" if r["case"] == "kiosque_listing" else "static file"
            lines.append(f"| {result['label']} | {r['round']} | {case} | {r['rps']} | "
                         f"{r['p99_ms']} | {r['non2xx']} |")  # fmt: skip
    lines += [
        "",
        "In-process, one warm request at a time (Django's test client, SQL counted):",
        "",
        "| configuration | cached listing p50 ms | p95 ms | SQL | static file p50 ms | p95 ms |",
        "|---|---|---|---|---|---|",
    ]
    for result in results:
        hit, static = result["inprocess"]["kiosque_listing"], result["inprocess"]["static"]
        lines.append(f"| {result['label']} | {hit['p50_ms']} | {hit['p95_ms']} | {hit['sql']} "
                     f"| {static['p50_ms']} | {static['p95_ms']} |")  # fmt: skip
    lines += [
        "",
        "| configuration | server | cached / static req/s | target | cached / static p99 "
        "| target |",
        "|---|---|---|---|---|---|",
    ]
    for result in results:
        rps_target = 0.9 if result["cache"] == "local memory" else 0.8
        if result["targeted"]:
            rps_verdict = f"≥ {rps_target}x: {'met' if result['rps'] >= rps_target else 'NOT met'}"
            p99_verdict = f"≤ 3x: {'met' if result['p99'] <= 3 else 'NOT met'}"
        else:
            rps_verdict = p99_verdict = "-"
        lines.append(
            f"| {result['label']} | {result['server']} | {result['rps']:.2f}x | {rps_verdict} "
            f"| {result['p99']:.2f}x | {p99_verdict} |"
        )
    errors = sum(result["non2xx"] for result in results)
    load_after = os.getloadavg()
    lines += [
        "",
        ("Every response was 2xx." if not errors else f"**{errors} non-2xx responses.**"),
        "",
        f"{os.cpu_count()} CPUs shared with other work: load average {load_before[0]:.1f} "
        f"before, {load_after[0]:.1f} after (1-minute). Command: `.venv/bin/python "
        f"{' '.join(['bench/run.py', *sys.argv[1:]])}` ({elapsed:.0f} s).",
        "",
    ]
    return "\n".join(lines)


def run_matrix(args) -> str:
    """The four database x cache combinations, one full run each, one after the other."""
    sqlite_url = f"sqlite:///{VAR / f'bench-{args.articles}.sqlite3'}"
    combos = [
        ("SQLite", "local memory", sqlite_url, None),
        ("SQLite", "Redis", sqlite_url, args.redis_url),
        ("PostgreSQL", "local memory", args.database_url, None),
        ("PostgreSQL", "Redis", args.database_url, args.redis_url),
    ]
    started = time.monotonic()
    results = []
    for db, cache, database_url, redis_url in combos:
        combo_args = argparse.Namespace(**{**vars(args), "database_url": database_url,
                                           "redis_url": redis_url})  # fmt: skip
        env = base_env(combo_args)
        if db == "PostgreSQL":
            ensure_postgres_database(database_url)
        print(f"== {db} / {cache} ==", file=sys.stderr, flush=True)
        t0 = time.monotonic()
        rows, load, memory = measure(combo_args, env)
        full = render(combo_args, env, rows, load, memory, time.monotonic() - t0)
        results.append((db, cache, rows, load, full))
    return render_matrix(args, results, time.monotonic() - started)


def ensure_postgres_database(url: str) -> None:
    """Create the bench's own database when it is missing (never drops or empties one)."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    cfg = dj_database_url.parse(url)
    params = {"host": cfg["HOST"] or None, "port": cfg["PORT"] or None,
              "user": cfg["USER"] or None, "password": cfg["PASSWORD"] or None}  # fmt: skip
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))


def render_matrix(args, results, elapsed) -> str:
    def ratio(a, b):
        return round(a / b, 2) if a and b else None

    def shown(value, suffix="x"):
        return "-" if value is None else f"{value}{suffix}"

    lines = [
        f"### Database and cache backend apart: {args.articles:,} articles, one run each",
        "",
        "Each line is a whole bench run; the four ran one after the other on the same data "
        "(`create_random_data --seed 7`). Ratios compare Kiosque with stock grapple inside "
        "the same line, so they are what to compare between lines.",
        "",
        "| database | cache | Kiosque listing p50 ms | stock listing p50 ms | listing vs stock "
        "(p50) | Kiosque req/s | stock req/s | listing vs stock (req/s) | full article vs stock "
        "(p50) | cached listing req/s | static req/s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    summary = {}
    for db, cache, rows, load, _full in results:
        u, lu, lc = rows["uncached"], load["uncached"], load["cached"]
        k_p50, s_p50 = u["kiosque_listing"]["p50_ms"], u["stock_listing"]["p50_ms"]
        k_rps = lu.get("kiosque_listing", {}).get("rps")
        s_rps = lu.get("stock_listing", {}).get("rps")
        entry = {
            "p50": ratio(s_p50, k_p50),
            "rps": ratio(k_rps, s_rps),
            "article": ratio(u["stock_article"]["p50_ms"], u["kiosque_article"]["p50_ms"]),
        }
        summary[(db, cache)] = entry
        lines.append(
            f"| {db} | {cache} | {k_p50} | {s_p50} | {shown(entry['p50'])} | "
            f"{shown(k_rps, '')} | {shown(s_rps, '')} | {shown(entry['rps'])} | "
            f"{shown(entry['article'])} | {shown(lc.get('kiosque_listing', {}).get('rps'), '')} "
            f"| {shown(lc.get('static', {}).get('rps'), '')} |"
        )

    def says(key):
        return ", ".join(
            f"{db}/{cache} {shown(summary[(db, cache)][key])}" for db, cache, *_ in results
        )

    def effect(key, a, b):
        x, y = summary[a][key], summary[b][key]
        return f"{shown(x)} -> {shown(y)}"

    sl, sr = ("SQLite", "local memory"), ("SQLite", "Redis")
    pl, pr = ("PostgreSQL", "local memory"), ("PostgreSQL", "Redis")
    lines += [
        "",
        f"- Uncached listing vs stock grapple, in-process p50: {says('p50')}; under gunicorn "
        f"(req/s): {says('rps')}. Target ≥ 5x: met by "
        + (
            ", ".join(
                f"{db}/{cache}" for (db, cache), e in summary.items() if (e["p50"] or 0) >= 5
            )
            or "none"
        )  # fmt: skip
        + " (in-process p50).",
        f"- Database effect (cache held fixed), in-process p50 ratio: local memory "
        f"{effect('p50', sl, pl)} from SQLite to PostgreSQL; Redis {effect('p50', sr, pr)}.",
        f"- Cache-backend effect (database held fixed): SQLite {effect('p50', sl, sr)} from "
        f"local memory to Redis; PostgreSQL {effect('p50', pl, pr)}. Stock Wagtail writes "
        "each rendition it reads back to the cache, so a slower cache costs stock grapple "
        "more than Kiosque, which writes none.",
        "",
        f"Command: `.venv/bin/python {' '.join(['bench/run.py', *sys.argv[1:]])}` "
        f"({elapsed:.0f} s in all).",
        "",
        "Full report of each run:",
        "",
    ]
    for *_, full in results:
        lines += [full.replace("### ", "#### ", 1), ""]
    return "\n".join(lines)


LABELS = {
    "kiosque_listing": "(a) Kiosque `articles(first: 20)`, card",
    "stock_listing": "(b) stock grapple `pages(limit: 20)`, card",
    "rest_listing": "(c) Wagtail REST API v2 listing, card",
    "static": "(d) static JSON via WhiteNoise",
    "kiosque_article": "Kiosque `article(urlPath:)`, full body",
    "stock_article": "stock grapple `page(urlPath:)`, full body",
    "kiosque_home": "Kiosque `home { featuredArticles }`",
}


def render(args, env, rows, load, memory, elapsed) -> str:
    db = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    cache = "Redis" if args.redis_url else "local memory"
    lines = [
        f"### {args.articles:,} articles, {db}, response cache in {cache}",
        "",
        "| case | mode | SQL | in-process p50 ms | p95 ms | bytes | req/s | p99 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for mode in ("uncached", "cached"):
        for case, label in LABELS.items():
            m = rows[mode].get(case)
            if m is None:
                continue
            w = load[mode].get(case, {})
            lines.append(
                f"| {label} | {mode} | {m['sql']} | {m['p50_ms']} | {m['p95_ms']} | {m['bytes']} "
                f"| {w.get('rps', '-')} | {w.get('p99_ms', '-')} |"
            )
    u, c = rows["uncached"], rows["cached"]

    def ratio(a, b):
        return f"{a / b:.2f}x" if a and b else "-"

    def row(title, case_a, case_b, base, target):
        inproc = ratio(base[case_b]["p50_ms"], base[case_a]["p50_ms"])
        loaded = load["cached" if base is c else "uncached"]
        rps = ratio(loaded.get(case_a, {}).get("rps"), loaded.get(case_b, {}).get("rps"))
        return f"| {title} | {inproc} | {rps} | {target} |"

    lines += [
        "",
        "| ratio (higher is better for Kiosque) | in-process (p50) | gunicorn (req/s) | target |",
        "|---|---|---|---|",
        row("uncached listing vs stock grapple", "kiosque_listing", "stock_listing", u, "≥ 6x"),
        row("uncached listing vs REST API v2", "kiosque_listing", "rest_listing", u, "≥ 2x"),
        row(
            "cached listing vs static file",
            "kiosque_listing",
            "static",
            c,
            "≥ 0.9x (local memory), ≥ 0.8x (Redis)",
        ),  # fmt: skip
        row(
            "uncached full article vs stock grapple",
            "kiosque_article",
            "stock_article",
            u,
            "≥ 4x in-process, ≤ 12 SQL",
        ),  # fmt: skip
    ]
    failed = {
        f"{LABELS.get(case, case)} ({mode})": w["non2xx"]
        for mode in ("uncached", "cached")
        for case, w in load[mode].items()
        if w.get("non2xx")
    }
    if failed:
        lines += ["", "**Non-2xx responses under load** (those req/s are not comparable): "
                  + ", ".join(f"{k}: {v}" for k, v in failed.items()) + "."]  # fmt: skip
    elif any(load.values()):
        lines += ["", "Every response under load was 2xx."]
    if memory:
        lines += ["", "gunicorn worker RSS after load (largest worker): "
                  + ", ".join(f"{k} {v} MB" for k, v in memory.items()) + "."]  # fmt: skip
    cmd = " ".join(["bench/run.py", *sys.argv[1:]])
    lines += [
        "",
        f"Command: `.venv/bin/python {cmd}` ({elapsed:.0f} s; wrk {args.duration} s, "
        f"{args.connections} connections, 2 threads; {server_line(env)}; load average "
        f"{os.getloadavg()[0]:.1f} at the end).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
