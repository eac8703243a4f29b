"""`make loadtest`: a production-like gunicorn (cms.settings.production, PostgreSQL, Redis) on
127.0.0.1 under a mixed read workload from wrk, 64 connections for 60 s, plus a few newsletter
signups when the schema has them. Fails unless every request succeeded.

    .venv/bin/python bench/loadtest.py [--duration 60] [--connections 64]

Environment: LOADTEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/kiosque_ops),
LOADTEST_REDIS_URL (default redis://127.0.0.1:6379/8), WEB_CONCURRENCY / GUNICORN_THREADS as in
production. Results: printed, and written to var/loadtest/last-run.{json,md}.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    ROOT,
    VAR,
    Server,
    ensure_database,
    free_port,
    get,
    post_json,
    prepare,
    require_loopback,
    server_env,
    signup,
)

OUT = VAR / "loadtest"

HOME = (
    "query Home { home { title tagline featuredArticles { title url } } sections { title slug } }"
)
LISTING = """query Listing($section: String, $after: String) {
  articles(section: $section, first: 20, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { title url publishedAt standfirst readingTime
      section { title slug } leadImage { url width height alt } } }
  }
}"""
ARTICLE = """query Article($slug: String!) {
  article(slug: $slug) {
    title standfirst publishedAt updatedAt readingTime url
    section { title slug } authors { name slug } topics { name slug kind }
    leadImage { url width height alt caption credit srcSet(sizes: [320, 640, 960]) }
    body { blockType
      ... on ParagraphBlock { html }
      ... on HeadingBlock { text level }
      ... on PullQuoteBlock { text attribution attributionRole }
      ... on BodyImageBlock { image { url alt credit } }
      ... on FactBoxBlock { title html } }
    relatedLinks { title url isExternal }
  }
}"""
SEARCH = """query Search($query: String!) {
  search(query: $query, first: 10) { totalCount edges { excerpt node { title url } } }
}"""
SEARCH_WORDS = ["climat", "europe", "élections", "santé", "budget", "football", "musée"]


def graphql_get(query: str, variables: dict) -> str:
    return (
        f"/graphql/?query={quote(' '.join(query.split()))}"
        f"&variables={quote(json.dumps(variables, separators=(',', ':')))}"
    )


def graphql_post(query: str, variables: dict) -> str:
    return json.dumps({"query": " ".join(query.split()), "variables": variables})


def build_workload(info: dict) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(method, path, body) lines, weighted like a news frontend's traffic, and notes."""
    lines, notes = [], []
    sections, articles = info["sections"], info["articles"]
    if not sections or not articles:
        raise SystemExit("no content to load-test: the content loader created nothing")

    def both(query, variables, weight):
        # Frontends send cacheable reads as GET and some as POST; the API must hold both.
        for _ in range(weight):
            lines.append(("GET", graphql_get(query, variables), ""))
            lines.append(("POST", "/graphql/", graphql_post(query, variables)))

    both(HOME, {}, 6)
    for slug in sections:
        both(LISTING, {"section": slug}, 2)
    both(LISTING, {"section": None}, 4)
    for slug in articles[:120]:
        both(ARTICLE, {"slug": slug}, 1)
    if "search" in info["query_fields"]:
        for word in SEARCH_WORDS:
            both(SEARCH, {"query": word}, 2)
    else:
        notes.append("search: no `search` root field in this build, skipped")
    lines.append(("GET", "/healthz", ""))
    return lines, notes


def wrk_command(wrk: str, base_url: str, requests_file: Path, args, duration: int) -> list[str]:
    """wrk replaying `requests_file` through loadtest.lua, with latency percentiles."""
    return [
        wrk,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{duration}s",
        # The server's own worker timeout (gunicorn.conf.py): a slower answer is an error.
        "--timeout",
        "30s",
        "--latency",
        "-s",
        str(ROOT / "bench" / "loadtest.lua"),
        base_url,
        "--",
        str(requests_file),
    ]


def parse_wrk(output: str) -> dict:
    def number(pattern, default=0.0):
        match = re.search(pattern, output)
        return float(match.group(1)) if match else default

    def latency_ms(label):
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if not match:
            return None
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "requests": int(number(r"(\d+) requests in")),
        "requests_per_s": number(r"Requests/sec:\s+([\d.]+)"),
        "p50_ms": latency_ms("50"),
        "p90_ms": latency_ms("90"),
        "p99_ms": latency_ms("99"),
        "non_2xx_3xx": int(number(r"Non-2xx or 3xx responses: (\d+)")),
        "socket_errors": dict(
            zip(("connect", "read", "write", "timeout"), map(int, socket.groups()), strict=True)
        )
        if socket
        else {"connect": 0, "read": 0, "write": 0, "timeout": 0},
        "graphql_errors": int(number(r"graphql_errors (\d+)")),
    }


def signups(base_url: str, count: int, spread_s: float, results: list) -> None:
    """A few newsletter signups spread over the run, as readers would send them."""
    stamp = int(time.time())
    for index in range(count):
        time.sleep(spread_s / count)
        result = signup(base_url, f"lecteur.{stamp}.{index}@example.org", source="loadtest")
        results.append({**result, "graphql_errors": bool(result["graphql_errors"])})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds (max 300)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--signups", type=int, default=5, help="within the per-IP limit")
    args = parser.parse_args()
    duration = min(max(args.duration, 5), 300)

    wrk = shutil.which("wrk")
    if not wrk:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    database_url = os.environ.get("LOADTEST_DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("LOADTEST_REDIS_URL", DEFAULT_REDIS_URL)
    require_loopback(database_url)
    require_loopback(redis_url)

    OUT.mkdir(parents=True, exist_ok=True)
    ensure_database(database_url)
    port = free_port()
    env = server_env(database_url=database_url, redis_url=redis_url, port=port)
    print(f"preparing {database_url} …", flush=True)
    info = prepare(env)
    lines, notes = build_workload(info)
    requests_file = OUT / "requests.tsv"
    requests_file.write_text("".join(f"{m}\t{p}\t{b}\n" for m, p, b in lines))
    if "subscribeNewsletter" not in info["mutation_fields"]:
        notes.append("signups: no `subscribeNewsletter` mutation in this build, skipped")
        args.signups = 0

    server = Server(env, OUT / "gunicorn.log")
    with server:
        # One pass over every request first: renditions and lazy caches are built once, as they
        # would be in production long before a traffic peak.
        for method, path, body in lines:
            if method == "GET":
                get(server.base_url + path, timeout=30)
            else:
                post_json(server.base_url + path, json.loads(body), timeout=30)

        signup_results: list = []
        signup_thread = threading.Thread(
            target=signups,
            args=(server.base_url, args.signups, duration * 0.8, signup_results),
            daemon=True,
        )
        command = wrk_command(wrk, server.base_url, requests_file, args, duration)
        print(f"running: {' '.join(command)}", flush=True)
        load_before = os.getloadavg()[0]
        if args.signups:
            signup_thread.start()
        run = subprocess.run(  # noqa: S603
            command, capture_output=True, text=True, timeout=duration + 60, check=False
        )
        if signup_thread.is_alive():
            signup_thread.join(timeout=30)

    print(run.stdout)
    if run.returncode != 0:
        print(run.stderr, file=sys.stderr)
        return 1
    result = parse_wrk(run.stdout)
    five_xx_in_log = sum(
        1
        for line in (OUT / "gunicorn.log").read_text(errors="replace").splitlines()
        if '"status": 5' in line
    )
    result.update(
        {
            "duration_s": duration,
            "connections": args.connections,
            "distinct_requests": len(lines),
            "content": info["content"],
            "articles": len(info["articles"]),
            "sections": len(info["sections"]),
            "signups": signup_results,
            "server_5xx_logged": five_xx_in_log,
            "workers": env.get("WEB_CONCURRENCY", "gunicorn.conf.py default"),
            "cpus": os.cpu_count(),
            # Other work on the machine shares its cores: the numbers only mean something with it.
            "load_average_before": round(load_before, 2),
            "load_average_after": round(os.getloadavg()[0], 2),
            "notes": notes,
            "command": "make loadtest",
        }
    )
    signup_failures = [s for s in signup_results if s["status"] != 200 or s["graphql_errors"]]
    errors = (
        result["non_2xx_3xx"]
        + sum(result["socket_errors"].values())
        + result["graphql_errors"]
        + five_xx_in_log
        + len(signup_failures)
    )
    result["errors"] = errors
    (OUT / "last-run.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    summary = (
        f"| {duration} s | {args.connections} | {result['requests']} | "
        f"{result['requests_per_s']:.1f} | {result['p50_ms']:.0f} | {result['p99_ms']:.0f} | "
        f"{errors} | {result['load_average_before']} |"
    )
    (OUT / "last-run.md").write_text(
        "| duration | connections | requests | req/s | p50 ms | p99 ms | errors | load avg |\n"
        "|---|---|---|---|---|---|---|---|\n" + summary + "\n"
    )
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if errors:
        print(f"FAILED: {errors} errors", file=sys.stderr)
        return 1
    print("OK: zero errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
