"""Stored renders at archive scale (issue 17): `rebuild_renders` over every live article, and
what rendering on write adds to a publish.

    make bench-renders
    .venv/bin/python bench/renders_bench.py --articles 100000 \
        --database-url postgres://postgres@127.0.0.1:5432/kiosque_render

The database is filled with `create_random_data --seed 7` up to --articles (renders off while
it fills, so the rebuild below builds every one), then, in separate processes: the full
rebuild (time, peak memory), the same command again with --missing (the idempotent re-run),
and publishes of the same articles alternately with renders off and on (median of each).
Writes docs/benchmarks-renders.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
REPORT = ROOT / "docs" / "benchmarks-renders.md"
TARGET_S = 600

PUBLISH = r"""
import json, statistics, time
import django
django.setup()
from django.conf import settings
from django.test.utils import override_settings
from news.models import ArticlePage
pks = list(ArticlePage.objects.live().order_by("-pk").values_list("pk", flat=True)[:RUNS])
times = {"off": [], "on": []}
for pk in pks:
    for mode in ("off", "on"):
        with override_settings(KIOSQUE={**settings.KIOSQUE, "RENDERS": mode}):
            page = ArticlePage.objects.get(pk=pk)
            page.title = page.title.rstrip(" .") + " ."
            start = time.perf_counter()
            page.save_revision().publish()  # the render is rebuilt after its commit
            times[mode].append((time.perf_counter() - start) * 1000)
print(json.dumps({m: round(statistics.median(v), 1) for m, v in times.items()}))
"""


def manage(env, *argv, capture=False):
    return subprocess.run(
        [PY, "manage.py", *argv], cwd=ROOT, env=env, check=True, text=True,
        capture_output=capture,
    )  # fmt: skip


def count(env) -> int:
    out = manage(env, "shell", "-c",
                 "from news.models import ArticlePage; print(ArticlePage.objects.count())",
                 capture=True)  # fmt: skip
    return int(out.stdout.strip().splitlines()[-1])


# Runs one command and prints its peak RSS: RUSAGE_CHILDREN of this wrapper is that command
# alone (the bench's own children include create_random_data).
_PEAK = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def timed(env, *argv) -> tuple[float, float, str]:
    """(seconds, peak RSS of the command in MB, its last line)."""
    start = time.monotonic()
    out = subprocess.run(
        [PY, "-c", _PEAK, PY, "manage.py", *argv], cwd=ROOT, env=env, check=True, text=True,
        capture_output=True,
    ).stdout.strip().splitlines()  # fmt: skip
    elapsed = time.monotonic() - start
    return elapsed, round(int(out[-1]) / 1024, 1), out[-2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/kiosque_render"
    )
    parser.add_argument("--publishes", type=int, default=15)
    parser.add_argument("--write", default=str(REPORT))
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(DATABASE_URL=args.database_url, DJANGO_SETTINGS_MODULE="bench.settings_kiosque",
               PYTHONPATH=str(ROOT), MEDIA_ROOT=str(ROOT / "var" / "bench-media"),
               KIOSQUE_CACHE_ENABLED="false")  # fmt: skip
    if args.database_url.startswith("postgres"):
        sys.path.insert(0, str(ROOT))
        from bench.run import ensure_postgres_database

        ensure_postgres_database(args.database_url)
    manage(env, "migrate", "--noinput", "-v0")
    have = count(env)
    if have > args.articles:
        raise SystemExit(f"The database already has {have} articles; use another one.")
    if have < args.articles:
        manage({**env, "KIOSQUE_RENDERS": "off"}, "create_random_data",
               "--articles", str(args.articles - have), "--seed", "7")  # fmt: skip
    # A fresh, complete rebuild: every render built, none skipped.
    drop = "from news.models import ArticleRender; ArticleRender.objects.all().delete()"
    manage(env, "shell", "-c", drop)
    _total_s, rss_mb, full_line = timed(env, "rebuild_renders")
    # The command's own figure: the process start (seconds here) is not the rebuild's.
    full_s = float(re.search(r"built in ([0-9.]+) s", full_line).group(1))
    again_s, _rss, again_line = timed(env, "rebuild_renders", "--missing")
    script = PUBLISH.replace("RUNS", str(args.publishes))
    out = subprocess.run([PY, "-c", script], cwd=ROOT, env=env, check=True, text=True,
                         capture_output=True).stdout  # fmt: skip
    publish = json.loads(out.strip().splitlines()[-1])
    built = int(re.search(r"(\d+) renders built", full_line).group(1))
    engine = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    ratio = publish["on"] / publish["off"] if publish["off"] else None
    lines = [
        f"# Stored renders at {args.articles:,} articles ({engine})",
        "",
        "Written by `bench/renders_bench.py` (`make bench-renders`); "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, on a 2-core machine shared with other work.",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| `rebuild_renders`, every live article ({built:,} built) | {full_s:.0f} s "
        f"({built / full_s:.0f} articles/s) | < {TARGET_S} s: "
        f"{'met' if full_s < TARGET_S else 'missed'} |",
        f"| its peak memory (RSS) | {rss_mb} MB | bounded (chunks of ids) |",
        f"| `rebuild_renders --missing` right after (nothing to do) | {again_s:.1f} s | - |",
        f"| publish an article, renders off (median of {args.publishes}) | {publish['off']} ms "
        "| - |",
        f"| publish an article, renders on, rebuild after commit included | {publish['on']} ms "
        f"| modest: {ratio:.2f}x |",
        "",
        f"Last lines: `{full_line}` / `{again_line}`.",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    Path(args.write).write_text(report, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
