"""Where the test suite's time goes, per CI leg: `make bench-suite`.

    python bench/suite_time.py run --label after --leg sqlite
    python bench/suite_time.py run --label before --leg pg --ref main \
        --database-url postgres://... --redis-url redis://...
    python bench/suite_time.py report --write docs/benchmarks-suite.md

`run` runs pytest the way one CI leg does (`--ref` runs a committed tree, unpacked next to this
one, with this checkout's virtualenv), samples the load average while it runs and keeps the JUnit
report, the `--durations` list and the samples under var/suite-time/<label>-<leg>.*. `report`
writes what those runs measured side by side: test counts, wall time, the load the machine was
under, the time spent building test databases and the share of the slowest tests. The machine is
shared, so wall times move with the load; counts and shares are the steadier figures.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import xml.etree.ElementTree as ET  # noqa: S405 - our own pytest's report
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "suite-time"
DURATION = re.compile(r"^\s*([\d.]+)s (setup|call|teardown)\s+(\S.*)$")
SLOWEST = 10


def _unpack(ref: str, into: Path) -> Path:
    archive = subprocess.run(  # noqa: S603 - fixed arguments
        ["git", "archive", "--format=tar", ref],  # noqa: S607
        cwd=ROOT, capture_output=True, check=True,
    )  # fmt: skip
    tar_path = into / "tree.tar"
    tar_path.write_bytes(archive.stdout)
    with tarfile.open(tar_path) as tar:
        tar.extractall(into / "tree", filter="data")
    tree = into / "tree"
    # The same interpreter and packages; the unpacked tree comes first on sys.path (cwd).
    (tree / ".venv").symlink_to(ROOT / ".venv")
    # The same installed Node clients, so neither side measures an `npm ci`.
    node_modules = ROOT / "tests" / "clients" / "node_modules"
    if node_modules.is_dir() and (tree / "tests" / "clients").is_dir():
        (tree / "tests" / "clients" / "node_modules").symlink_to(node_modules)
    return tree


def _describe(ref: str) -> str:
    """`main 4be2dc0`: the name given and the commit it meant at the time."""
    commit = subprocess.run(  # noqa: S603 - fixed arguments
        ["git", "rev-parse", "--short", ref],  # noqa: S607
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    return ref if ref == commit else f"{ref} {commit}"


def _sample_load(samples: list, stop: threading.Event) -> None:
    while not stop.is_set():
        samples.append((time.time(), os.getloadavg()[0]))
        stop.wait(5)


def run(args) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    stem = OUT / f"{args.label}-{args.leg}"
    env = {**os.environ}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    # As .ci/run sets them for each leg.
    env["KIOSQUE_CI_LEG"] = "postgres" if args.leg == "pg" else "sqlite"
    if args.leg == "pg":
        env["DATABASE_URL"] = args.database_url
        env["REDIS_URL"] = args.redis_url
    with tempfile.TemporaryDirectory(prefix="suite-time-") as scratch:
        cwd = _unpack(args.ref, Path(scratch)) if args.ref else ROOT
        command = [
            sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "--durations=0",
            f"--junitxml={stem}.xml", *args.pytest_args,
        ]  # fmt: skip
        samples: list = []
        stop = threading.Event()
        sampler = threading.Thread(target=_sample_load, args=(samples, stop), daemon=True)
        sampler.start()
        started = time.monotonic()
        with open(f"{stem}.log", "w") as log:
            done = subprocess.run(command, cwd=cwd, env=env, stdout=log, stderr=log, check=False)  # noqa: S603
        wall = time.monotonic() - started
        stop.set()
        sampler.join()
    usage = os.times()
    meta = {
        "label": args.label,
        "leg": args.leg,
        "ref": _describe(args.ref) if args.ref else "working tree",
        "pytest_args": args.pytest_args,
        "returncode": done.returncode,
        "wall": wall,
        "cpu": usage.children_user + usage.children_system,
        "cores": os.cpu_count(),
        "load": [load for _, load in samples],
    }
    Path(f"{stem}.json").write_text(json.dumps(meta, indent=1))
    print(f"{stem.name}: exit {done.returncode}, {wall:.0f} s")


def _measure(stem: Path) -> dict:
    meta = json.loads(Path(f"{stem}.json").read_text())
    suite = ET.parse(f"{stem}.xml").getroot()  # noqa: S314 - our own pytest's report
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    counts = {key: int(suite.get(key, 0)) for key in ("tests", "failures", "errors", "skipped")}
    per_test: dict[str, float] = defaultdict(float)
    setup = 0.0
    for line in Path(f"{stem}.log").read_text().splitlines():
        if match := DURATION.match(line):
            seconds, phase, node = float(match[1]), match[2], match[3]
            per_test[node] += seconds
            if phase == "setup":
                setup += seconds
    deselected = re.search(r"(\d+) deselected", Path(f"{stem}.log").read_text())
    failed = re.findall(r"^FAILED (\S+)", Path(f"{stem}.log").read_text(), re.M)
    ranked = sorted(per_test.items(), key=lambda item: item[1], reverse=True)
    measured = sum(per_test.values()) or 1.0
    return {
        **meta,
        **counts,
        "deselected": int(deselected[1]) if deselected else 0,
        "passed": counts["tests"] - counts["failures"] - counts["errors"] - counts["skipped"],
        "pytest_time": float(suite.get("time", 0)),
        "measured": measured,
        "setup": setup,
        "slowest": ranked[:SLOWEST],
        "failed": failed,
        "slowest_share": sum(s for _, s in ranked[:SLOWEST]) / measured,
        "mean_load": sum(meta["load"]) / len(meta["load"]) if meta["load"] else float("nan"),
    }


def _ratio(after: float, before: float) -> str:
    return f"{after / before:.2f}x" if before else "n/a"


def report(args) -> None:
    runs = {}
    for path in sorted(OUT.glob("*.json")):
        label, leg = path.stem.rsplit("-", 1)
        runs[(label, leg)] = _measure(path.with_suffix(""))
    lines = [
        "# Test suite time per CI leg",
        "",
        "Written by `make bench-suite` (bench/suite_time.py) from its own runs: pytest with "
        "`-p no:randomly --durations=0`, one leg at a time as `.ci/run` runs it. The machine is "
        "shared (2 cores), so wall time follows its load; test counts and the slowest tests' "
        "share of the time are the steadier figures. CPU is the pytest process and its children; "
        "fixture setup sums the setup phases (test databases, page trees, servers). On the pg leg "
        "CPU leaves out the PostgreSQL server's own work.",
        "",
        "| run | leg | tree | passed | skipped | deselected | failed | wall | CPU | mean load "
        "| fixture setup | 10 slowest |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for (label, leg), m in sorted(runs.items(), key=lambda kv: (kv[0][1], kv[0][0] != "before")):
        lines.append(
            f"| {label} | {leg} | {m['ref']} | {m['passed']} | {m['skipped']} | "
            f"{m['deselected']} | {m['failures'] + m['errors']} | {m['wall']:.0f} s | "
            f"{m['cpu']:.0f} s | {m['mean_load']:.1f} | {m['setup']:.0f} s | "
            f"{m['slowest_share']:.0%} |"
        )
    lines.append("")
    # "before.X" pairs with "after.X": the same pytest arguments on both trees.
    for (label, leg), before in sorted(runs.items()):
        if not label.startswith("before"):
            continue
        after = runs.get(("after" + label.removeprefix("before"), leg))
        if after:
            lines.append(
                f"- {label} / {after['label']}, {leg}: wall "
                f"{_ratio(after['wall'], before['wall'])}, "
                f"CPU {_ratio(after['cpu'], before['cpu'])}"
                f" (mean load {before['mean_load']:.1f} then {after['mean_load']:.1f})."
            )
    for leg in ("sqlite", "pg"):
        whole = runs.get(("before", leg))
        part_before = runs.get(("before.changed", leg))
        part_after = runs.get(("after.changed", leg))
        if whole and part_before and part_after and ("after", leg) not in runs:
            # No whole run after the change on this leg: the whole run before, less what the
            # changed files saved when run side by side.
            cpu = whole["cpu"] - part_before["cpu"] + part_after["cpu"]
            lines.append(
                f"- {leg}, whole leg after the change, derived (not run whole): CPU "
                f"{whole['cpu']:.0f} s - {part_before['cpu']:.0f} s + {part_after['cpu']:.0f} s"
                f" = {cpu:.0f} s, {_ratio(cpu, whole['cpu'])} of before."
            )
    lines += [f"- {label}, {leg}: {m['note']}" for (label, leg), m in runs.items() if "note" in m]
    lines += [
        "",
        "Failures, per run (`-p no:randomly` itself fails the test that checks CI shuffles):",
        "",
    ]
    for (label, leg), m in sorted(runs.items()):
        lines.append(f"- {label}, {leg}: " + (", ".join(f"`{t}`" for t in m["failed"]) or "none"))
    for (label, leg), m in sorted(runs.items()):
        lines += ["", f"## Slowest tests: {label}, {leg}", "", "| seconds | test |", "|---|---|"]
        lines += [f"| {seconds:.1f} | `{node}` |" for node, seconds in m["slowest"]]
    Path(args.write).write_text("\n".join(lines) + "\n")
    print(f"wrote {args.write}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("run", help="run one leg of the suite and keep its measurements")
    one.add_argument("--label", required=True, help="before / after")
    one.add_argument("--leg", choices=["sqlite", "pg"], required=True)
    one.add_argument("--ref", help="a committed tree to run instead of the working tree")
    one.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/kiosque_bench")
    one.add_argument("--redis-url", default="redis://127.0.0.1:6379/4")
    one.add_argument("pytest_args", nargs="*", help="after --: extra pytest arguments")
    write = sub.add_parser("report", help="write the measurements side by side")
    write.add_argument("--write", default=str(ROOT / "docs" / "benchmarks-suite.md"))
    args = parser.parse_args()
    run(args) if args.command == "run" else report(args)


if __name__ == "__main__":
    main()
