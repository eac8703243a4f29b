"""Benchmark: what the query limits cost on the fragment attack shapes, in-process.

    .venv/bin/python bench/limits_bench.py                  # prints the report
    .venv/bin/python bench/limits_bench.py --write docs/benchmarks-limits.md

For fan-out chains of k fragments (each spreading the next twice, 2**k expansions written
out), ending in an unknown spread, a spread of the first fragment, or real fields: the
document's size, the selections the limit walk visits (`DocumentMeasure.work`), and the CPU
time of the whole refusal (`document_for`: token count, parse, fragment graph, limits), the
median of several runs side by side in one process. No database is needed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

ENDS = {
    "unknown spread": "...Nope",
    "spread of the first": "...F0",
    "real fields": "sections { title }",
}
CHAINS = (8, 16, 24, 32, 48)
RUNS = 7


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", help="save the markdown report to this file")
    args = parser.parse_args()

    import django

    django.setup()
    from graphql import parse
    from grapple.schema import schema

    from cms.graphql.limits import measure_document
    from cms.graphql.validation import document_for
    from tests.fragment_shapes import fan_out_chain

    graphql_schema = schema.graphql_schema
    rows = []
    for label, end in ENDS.items():
        for k in CHAINS:
            query = fan_out_chain(k, end)
            work = measure_document(graphql_schema, parse(query)).work
            times = []
            for _ in range(RUNS):
                start = time.process_time()
                _document, errors = document_for(graphql_schema, query)
                times.append(time.process_time() - start)
            code = errors[0].extensions.get("code") if errors else "accepted"
            rows.append((label, k, len(query.encode()), work, statistics.median(times), code))

    lines = [
        "# Query limits on fragment attack shapes",
        "",
        "Written by `bench/limits_bench.py` (in-process, CPU time, median of "
        f"{RUNS} runs; shared 2-core machine).",
        "A chain of k fragments each spreading the next twice stands for 2^k expansions.",
        "",
        "| ending | k | bytes | selections visited | CPU ms | answer |",
        "|---|---|---|---|---|---|",
    ]
    for label, k, size, work, seconds, code in rows:
        lines.append(f"| {label} | {k} | {size} | {work} | {seconds * 1000:.2f} | {code} |")
    report = "\n".join(lines) + "\n"
    print(report)
    if args.write:
        Path(args.write).write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
