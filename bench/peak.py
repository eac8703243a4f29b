"""`make bench-peak`: breaking news at peak traffic, on loopback, bounded in time.

gunicorn (production settings, PostgreSQL, Redis) under wrk on a mix of the home page, three
rubriques, 20 hot articles and searches, first quiet, then while a publisher publishes an
article every 2 s and corrects a hot article every 3 s. Run twice in one go: with tag
invalidation and single flight (today's scheme), and with the global generation (every change
drops every answer, no single flight). Writes docs/benchmarks-peak.md itself.

    .venv/bin/python bench/peak.py [--duration 60] [--connections 64]

Environment: BENCH_PEAK_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/kiosque_peak),
BENCH_PEAK_REDIS_URL (default redis://127.0.0.1:6379/2). Each run uses its own cache key
prefix, so nothing is flushed.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import cpu  # noqa: E402
from bench.harness import (  # noqa: E402
    PYTHON,
    ROOT,
    VAR,
    Server,
    ensure_database,
    free_port,
    get,
    prepare,
    require_loopback,
    server_description,
    server_env,
)
from bench.loadtest import parse_wrk, wrk_command  # noqa: E402
from bench.peak_queries import workload  # noqa: E402

OUT = VAR / "peak"
REPORT = ROOT / "docs" / "benchmarks-peak.md"
SCHEMES = {
    "tags": {"KIOSQUE_CACHE_INVALIDATION": "tags", "KIOSQUE_CACHE_SINGLE_FLIGHT": "true"},
    "generation": {
        "KIOSQUE_CACHE_INVALIDATION": "generation",
        "KIOSQUE_CACHE_SINGLE_FLIGHT": "false",
    },
}


def wrk(base_url: str, requests_file: Path, args, duration: int) -> dict:
    command = wrk_command(shutil.which("wrk"), base_url, requests_file, args, duration)
    run = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, timeout=duration + 60, check=False
    )
    if run.returncode != 0:
        raise SystemExit(run.stderr)
    return parse_wrk(run.stdout)


def start_publisher(env, base_url, duration, sections, hot, quiet) -> subprocess.Popen:
    """The publisher, once Django is set up in it (it prints "ready")."""
    command = [PYTHON, str(ROOT / "bench" / "peak_publisher.py"), base_url, str(duration),
               ",".join(sections), ",".join(hot)] + (["--quiet"] if quiet else [])  # fmt: skip
    proc = subprocess.Popen(  # noqa: S603
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    line = proc.stdout.readline()
    if line.strip() != "ready":
        proc.kill()
        raise SystemExit(f"publisher failed to start: {line}{proc.stderr.read()[-3000:]}")
    return proc


WINDOW_MS = 100


def served_per_window(log_path: Path, since: datetime, until: datetime) -> list[int]:
    """Requests the server answered in each WINDOW_MS of [since, until), from its access log
    (one JSON line per request, stamped when it was answered, to the millisecond)."""
    counts = [0] * max(1, int((until - since).total_seconds() * 1000 // WINDOW_MS))
    with log_path.open(encoding="utf-8", errors="replace") as log:
        for line in log:
            if '"http"' not in line:
                continue
            try:
                stamp = datetime.fromisoformat(json.loads(line)["time"])
            except (ValueError, KeyError, TypeError):
                continue
            slot = int((stamp - since).total_seconds() * 1000 // WINDOW_MS)
            if 0 <= slot < len(counts):
                counts[slot] += 1
    return counts


def dips(windows: list[int], typical: float) -> tuple[int, int]:
    """(windows under 60% of `typical`, requests those windows fell short by)."""
    low = [count for count in windows if count < 0.6 * typical]
    return len(low), int(sum(typical - count for count in low))


def redis_commands(redis_url: str) -> int:
    """Commands the Redis server has run since it started (every database: nothing else is
    expected to use it during a bench)."""
    import redis

    stats = redis.Redis.from_url(redis_url).info("commandstats")
    return sum(v["calls"] for k, v in stats.items() if not k.startswith(("cmdstat_info",)))


def phase(env, server, requests_file, args, sections, hot, *, quiet: bool) -> dict:
    proc = start_publisher(env, server.base_url, args.duration, sections, hot, quiet)
    before, started, since = cpu.snapshot(), time.monotonic(), datetime.now(UTC)
    reaped, commands = cpu.children(), redis_commands(env["REDIS_URL"])
    load = wrk(server.base_url, requests_file, args, args.duration)
    wall, until = time.monotonic() - started, datetime.now(UTC)
    load["redis_commands"] = redis_commands(env["REDIS_URL"]) - commands
    spent = cpu.spent(before, cpu.snapshot())  # before reading the log, which takes CPU too
    load["windows"] = served_per_window(server.log_path, since, until)
    spent["wrk"] = spent.get("wrk", 0.0) + cpu.children() - reaped  # wrk has been waited for
    load["cpu_share"] = {kind: seconds / wall for kind, seconds in spent.items()}
    out, err = proc.communicate(timeout=args.duration + 150)
    if proc.returncode != 0:
        raise SystemExit(f"publisher failed: {err[-3000:]}")
    found = json.loads(out.strip().splitlines()[-1])
    load.update(found)
    changes = found.get("publishes", 0) + found.get("updates", 0)
    load["rebuilds_per_change"] = found.get("rebuilds", 0) / changes if changes else None
    load["cpu_per_change"] = (
        (found.get("newsroom_cpu_s", 0) / changes, found.get("rebuild_cpu_s", 0) / changes)
        if changes
        else None
    )
    load["hit_share"] = 1 - found.get("rebuilds", 0) / load["requests"] if load["requests"] else 0
    stale = found.get("staleness_s") or [0.0]
    load["max_staleness_s"] = max(stale)
    load["errors"] = (
        load["non_2xx_3xx"] + sum(load["socket_errors"].values()) + load["graphql_errors"]
    )
    return load


def run_scheme(name, base_env_extra, args, database_url, redis_url, paths, sections, hot):
    port = free_port()
    prefix = f"peak-{name}-{int(time.time())}"
    extra = {
        **base_env_extra,
        "KIOSQUE_CACHE_COUNT_REBUILDS": "true",
        "CACHE_KEY_PREFIX": prefix,
    }
    env = server_env(database_url=database_url, redis_url=redis_url, port=port, extra=extra)
    env["CACHE_KEY_PREFIX"] = prefix
    requests_file = OUT / "requests.tsv"
    requests_file.write_text("".join(f"GET\t{p}\t\n" for p in paths))
    with Server(env, OUT / f"gunicorn-{name}.log") as server:
        for path in paths:  # warm: every answer built once, as long before a peak
            get(server.base_url + path, timeout=30)
        # Then every worker (each has its own copies and lazy state), at the measured load.
        wrk(server.base_url, requests_file, args, 3)
        quiet = phase(env, server, requests_file, args, sections, hot, quiet=True)
        busy = phase(env, server, requests_file, args, sections, hot, quiet=False)
    return {"quiet": quiet, "publishing": busy, "server": server_description(env)}


def cpu_table(results) -> list[str]:
    """CPUs busy on average during each phase, by kind of process (read from /proc)."""
    kinds = [kind for kind, _marker in cpu.KINDS] + ["other"]
    lines = [
        "CPUs busy on average during each phase, by process (from /proc; the machine has "
        f"{os.cpu_count()}), and the commands Redis ran (the whole server's count):",
        "",
        "| scheme | phase | "
        + " | ".join(kinds)
        + " | total | Redis commands per 1,000 requests |",
        "|---|---|" + "---|" * (len(kinds) + 2),
    ]
    for name in results:
        for phase_name in ("quiet", "publishing"):
            r = results[name][phase_name]
            share = r.get("cpu_share", {})
            cells = [f"{share.get(kind, 0.0):.2f}" for kind in kinds]
            cells.append(f"{sum(share.values()):.2f}")
            requests = r.get("requests") or 0
            cells.append(
                f"{1000 * r.get('redis_commands', 0) / requests:.0f}" if requests else "-"
            )
            lines.append(f"| {name} | {phase_name} | " + " | ".join(cells) + " |")
    return lines


def dips_table(results) -> list[str]:
    """Where the tail under publishing comes from: the requests answered per WINDOW_MS, and
    the windows in which far fewer were."""
    lines = [
        f"Requests answered per {WINDOW_MS} ms (the server's access log): a window under 60% of "
        'the quiet phase\'s median is a dip; "short by" adds up how many requests the dips '
        "answered fewer than that median.",
        "",
        "| scheme | phase | median per window | windows | dips | short by |",
        "|---|---|---|---|---|---|",
    ]
    for name in results:
        typical = statistics.median(results[name]["quiet"].get("windows") or [0])
        for phase_name in ("quiet", "publishing"):
            windows = results[name][phase_name].get("windows") or [0]
            count, short = dips(windows, typical)
            lines.append(
                f"| {name} | {phase_name} | {statistics.median(windows):.0f} | {len(windows)} | "
                f"{count} | {short} |"
            )
    return lines


def render(results, args, elapsed, load_before) -> str:
    def row(name, label, r):
        per = r.get("rebuilds_per_change")
        return (
            f"| {name} | {label} | {r['requests_per_s']:.0f} | {r['p50_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {r['hit_share']:.1%} | {r.get('publishes', 0)} + "
            f"{r.get('updates', 0)} | {r.get('rebuilds', 0)} | "
            f"{'-' if per is None else f'{per:.1f}'} | {r['max_staleness_s'] * 1000:.0f} | "
            f"{r['errors']} |"
        )

    tags, generation = results["tags"], results["generation"]
    servers = {results[name]["server"] for name in results}
    lines = [
        "# Breaking news at peak traffic (`make bench-peak`)",
        "",
        "Written by `bench/peak.py`; do not edit by hand. gunicorn with production settings, "
        "PostgreSQL and Redis on loopback; wrk "
        f"{args.connections} connections, {args.threads} threads, {args.duration} s per phase, "
        "on a mix of the home page, three rubriques, 20 hot articles and four searches (GET). "
        "The publishing phase publishes an article every 2 s and corrects a hot article every "
        "3 s; after each change a probe reader polls the answer that should show it.",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {elapsed:.0f} s, {os.cpu_count()} CPUs, "
        f"load average {load_before:.1f} before and {os.getloadavg()[0]:.1f} after (the machine "
        "is shared: compare the rows of one run, not runs). Server as run: "
        f"{'; '.join(sorted(servers))}. Tags + single flight runs with the defaults: an answer "
        "gone stale is sent to the request that rebuilds it (rebuilt after the response), "
        "changes announced to every process over Redis.",
        "",
        "| scheme | phase | req/s | p50 ms | p99 ms | cache hits | publishes + updates | "
        "rebuilds | rebuilds per change | max staleness ms | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, label in (("tags", "tags + single flight"), ("generation", "global generation")):
        for phase_name in ("quiet", "publishing"):
            lines.append(row(label, phase_name, results[name][phase_name]))

    def ratio(key, a, b):
        return a[key] / b[key] if b.get(key) else float("nan")

    busy_t, busy_g = tags["publishing"], generation["publishing"]

    def per_change(r):
        if not r.get("cpu_per_change"):
            return "-"
        newsroom, rebuilt = r["cpu_per_change"]
        return f"the newsroom's write {newsroom * 1e3:.0f} ms, the rebuilds {rebuilt * 1e3:.0f} ms"

    lines += [
        "",
        "CPU per change under publishing (the machine's readers lose it): tags: "
        f"{per_change(busy_t)}; global generation: {per_change(busy_g)}.",
        "",
        *cpu_table(results),
        "",
        *dips_table(results),
        "",
        "Ratios in this run:",
        "",
        f"- p99 under publishing / p99 quiet, tags: {ratio('p99_ms', busy_t, tags['quiet']):.2f}; "
        f"global generation: {ratio('p99_ms', busy_g, generation['quiet']):.2f}",
        f"- req/s under publishing, tags / global generation: "
        f"{ratio('requests_per_s', busy_t, busy_g):.2f}",
        f"- rebuilds under publishing, tags / global generation: "
        f"{ratio('rebuilds', busy_t, busy_g):.2f}",
        "",
        "Cache hits: requests minus rebuilds (the server counts a rebuild each time it builds a "
        "cacheable answer). Max staleness: the longest time, over all changes, from a change's "
        "commit until the probe reader sent the first request whose answer showed it (polling "
        "every 10 ms; a request's own queueing behind the 64 connections is not counted). The "
        "grace period allows 10 s.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds per phase (max 120)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-write", action="store_true", help="do not write the report")
    parser.add_argument(
        "--only", choices=sorted(SCHEMES), help="run one scheme, print its figures, write nothing"
    )
    args = parser.parse_args()
    args.duration = min(max(args.duration, 5), 120)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    database_url = os.environ.get(
        "BENCH_PEAK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kiosque_peak"
    )
    redis_url = os.environ.get("BENCH_PEAK_REDIS_URL", "redis://127.0.0.1:6379/2")
    require_loopback(database_url)
    require_loopback(redis_url)
    OUT.mkdir(parents=True, exist_ok=True)
    ensure_database(database_url)
    started, load_before = time.monotonic(), os.getloadavg()[0]
    env = server_env(database_url=database_url, redis_url=redis_url, port=free_port(),
                     extra={"CACHE_KEY_PREFIX": "peak-prepare"})  # fmt: skip
    print(f"preparing {database_url} …", flush=True)
    info = prepare(env)
    sections = info["sections"][:3]
    hot = info["articles"][:20]
    paths = workload(sections, hot)
    results = {}
    for name, extra in SCHEMES.items():
        if args.only and name != args.only:
            continue
        print(f"scheme {name} …", flush=True)
        results[name] = run_scheme(name, extra, args, database_url, redis_url, paths, sections,
                                   hot)  # fmt: skip
    if args.only:
        for phase_name, r in results[args.only].items():
            if isinstance(r, dict):
                keys = ("requests_per_s", "p50_ms", "p99_ms", "rebuilds_per_change", "errors")
                print(phase_name, {key: r.get(key) for key in keys})
        print("\n".join(cpu_table(results) + [""] + dips_table(results)))
        return 0
    report = render(results, args, time.monotonic() - started, load_before)
    (OUT / "last-run.json").write_text(json.dumps(results, indent=2))
    print(report)
    if not args.no_write:
        REPORT.write_text(report)
    errors = sum(results[n][p]["errors"] for n in results for p in ("quiet", "publishing"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
