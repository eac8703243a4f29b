"""Before/after: the same in-process cases on two versions of the code, one run, same data.

    make bench-before-after                          # this tree against `main`
    .venv/bin/python bench/before_after.py --before 4be2dc0 --write docs/benchmarks-layers.md

Exports the `--before` commit into var/, then runs bench/inprocess.py (Django test client, SQL
count and p50) for Kiosque's listing, full article and home page, uncached, on both trees,
alternating before/after for `--rounds` rounds against one SQLite database of `--articles`
articles (bench/run.py prepares it), and stock grapple's listing as a common reference. Ratios
are computed from figures measured side by side in this run; the markdown report is printed and,
with --write, saved.

The measuring harness (bench/inprocess.py, bench/queries.py) is this tree's on both sides, so a
case added here (`--cases`) is measured on the older code too. `--settled` adds a third side:
this tree with its heap settled as a gunicorn worker's is (cms/heap.py), which separates the
garbage collector's share from the rest.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import PY, VAR, base_env, prepare_data  # noqa: E402

CASES = ["kiosque_listing", "kiosque_article", "kiosque_home"]
LABELS = {
    "kiosque_listing": "listing, 20 cards",
    "kiosque_article": "full article",
    "kiosque_home": "home page",
    "kiosque_sync_page": "change feed, first page of 100 with full nodes (POST)",
    "stock_listing": "stock grapple listing (reference)",
}


def export_tree(ref: str) -> tuple[Path, str]:
    sha = subprocess.run(
        ["git", "rev-parse", "--short", ref], cwd=ROOT, check=True, text=True,
        capture_output=True,
    ).stdout.strip()  # fmt: skip
    target = VAR / f"bench-before-{sha}"
    if not (target / "manage.py").exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", "--format=tar", sha], cwd=ROOT, check=True, capture_output=True
        ).stdout
        tar_path = VAR / f"bench-before-{sha}.tar"
        tar_path.write_bytes(archive)
        with tarfile.open(tar_path) as tar:
            tar.extractall(target, filter="data")
        tar_path.unlink()
    for harness in ("inprocess.py", "queries.py"):  # the same measuring code on both sides
        (target / "bench" / harness).write_text((ROOT / "bench" / harness).read_text())
    return target, sha


def inprocess(tree: Path, env: dict, settings: str, cases: list[str]) -> dict:
    run_env = {**env, "DJANGO_SETTINGS_MODULE": settings, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [PY, "-m", "bench.inprocess", *cases], cwd=tree, env=run_env, check=False, text=True,
        capture_output=True,
    )  # fmt: skip
    if out.returncode:
        raise SystemExit(f"{tree} {settings} {cases}:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", default="main", help="git ref of the code to compare with")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=40, help="timed calls per case")
    parser.add_argument("--write", default=None, help="save the markdown report to this file")
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated case names")
    parser.add_argument("--settled", action="store_true", help="also this tree, heap settled")
    args = parser.parse_args()
    cases = args.cases.split(",")
    started = time.time()
    load_at_start = os.getloadavg()[0]

    env = base_env(argparse.Namespace(articles=args.articles, database_url=None, redis_url=None))
    env["BENCH_ARTICLE_PATH"] = prepare_data(argparse.Namespace(articles=args.articles), env)
    env["KIOSQUE_CACHE_ENABLED"] = "false"
    env["BENCH_ITERATIONS"] = str(args.iterations)
    before_tree, before_sha = export_tree(args.before)
    after_sha = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True, text=True,
        capture_output=True,
    ).stdout.strip()  # fmt: skip
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, check=True,
        text=True, capture_output=True,
    ).stdout.strip()  # fmt: skip

    runs: dict[str, list[dict]] = {"before": [], "after": [], "settled": [], "stock": []}
    settled_env = {**env, "BENCH_HEAP_SETTLE": "1"}
    for _ in range(args.rounds):
        runs["before"].append(inprocess(before_tree, env, "bench.settings_kiosque", cases))
        runs["after"].append(inprocess(ROOT, env, "bench.settings_kiosque", cases))
        if args.settled:
            runs["settled"].append(inprocess(ROOT, settled_env, "bench.settings_kiosque", cases))
        runs["stock"].append(inprocess(ROOT, env, "bench.settings_stock", ["stock_listing"]))

    def p50(side: str, case: str, key: str = "p50_ms") -> float:
        return statistics.median(r[case][key] for r in runs[side])

    def sql(side: str, case: str) -> int:
        return max(r[case]["sql"] for r in runs[side])

    stock = p50("stock", "stock_listing")
    sides = ["before", "after"] + (["settled"] if args.settled else [])
    names = {"before": "before", "after": "after", "settled": "after, heap settled"}
    head = " | ".join(f"p50 ms {names[s]} (CPU)" for s in sides)
    lines = [
        f"### {args.articles:,} articles, SQLite, response cache off: "
        f"before `{before_sha}`, after `{after_sha}`{' (+ uncommitted changes)' if dirty else ''}",
        "",
        f"| case | SQL before | SQL after | {head} | after / before | per-round range "
        + "".join(f"| {names[s]} vs stock " for s in sides)
        + "|",
        "|---|---|---|" + "---|" * len(sides) + "---|---|" + "---|" * len(sides),
    ]
    for case in cases:
        b, a = p50("before", case), p50("after", case)
        cells = " | ".join(f"{p50(s, case):.2f} ({p50(s, case, 'cpu_p50_ms'):.2f})" for s in sides)
        vs_stock = "".join(
            f"| {stock / p50(s, case):.2f}x " if case == "kiosque_listing" else "| - "
            for s in sides
        )
        # Each round's after/before ratio: how much the same comparison moves run to run.
        per_round = [
            after[case]["p50_ms"] / before[case]["p50_ms"]
            for before, after in zip(runs["before"], runs["after"], strict=True)
        ]
        lines.append(
            f"| {LABELS[case]} | {sql('before', case)} | {sql('after', case)} | {cells} | "
            f"{a / b:.2f} | {min(per_round):.2f}-{max(per_round):.2f} {vs_stock}|"
        )
    lines += [
        "",
        f"Stock grapple listing (same data, same run): {stock:.2f} ms p50, "
        f"{sql('stock', 'stock_listing')} SQL.",
        "",
        f"p50: median over {args.rounds} alternating rounds of each side's in-process median "
        f'({args.iterations} calls); CPU: the same for the process\'s CPU time. "after / before" '
        "below 1 is faster. Command: "
        f"`.venv/bin/python bench/before_after.py {' '.join(sys.argv[1:])}` "
        f"({time.time() - started:.0f} s). Load average (1 min) at start {load_at_start:.1f}, "
        f"at end {os.getloadavg()[0]:.1f}, on {os.cpu_count()} CPUs: the per-round range is "
        "the noise the machine adds to the same comparison.",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    if args.write:
        header = (
            "# Benchmarks: before and after a refactoring\n\n"
            "Written by `bench/before_after.py`; do not edit by hand.\n\n"
        )
        Path(args.write).write_text(header + report, encoding="utf-8")


if __name__ == "__main__":
    main()
