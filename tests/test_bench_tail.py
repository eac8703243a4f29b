"""bench/run.py --tail: each configuration's ratios against the static file come from its own
rounds, the verdicts follow the targets (0.9x local memory, 0.8x Redis, p99 within 3x), and the
report replaces only its own section of docs/benchmarks.md."""

import argparse
from pathlib import Path

from bench.run import (
    MATRIX_END,
    MATRIX_START,
    TAIL_END,
    TAIL_START,
    render_tail,
    write_section,
)


def result(label, cache, rps, p99, targeted=True):
    hit = {"p50_ms": 0.2, "p95_ms": 0.3, "sql": 0}
    return {
        "label": label, "cache": cache, "targeted": targeted, "server": "gunicorn",
        "rounds": [], "rps": rps, "p99": p99, "non2xx": 0,
        "inprocess": {"kiosque_listing": hit, "static": hit},
    }  # fmt: skip


def render(*results):
    args = argparse.Namespace(articles=1000, rounds=2, duration=4, connections=16)
    return render_tail(args, list(results), 10.0, (1.0, 1.0, 1.0))


def test_each_backend_is_held_to_its_own_target():
    report = render(
        result("local memory", "local memory", 0.85, 1.2),
        result("Redis", "Redis", 0.85, 3.5),
        result("recycling", "local memory", 0.5, 9.0, targeted=False),
    )
    lines = {line.split(" |")[0]: line for line in report.splitlines() if "| gunicorn |" in line}
    assert "≥ 0.9x: NOT met" in lines["| local memory"] and "≤ 3x: met" in lines["| local memory"]
    assert "≥ 0.8x: met" in lines["| Redis"] and "≤ 3x: NOT met" in lines["| Redis"]
    assert "met" not in lines["| recycling"]  # a reference row, not held to the targets


def test_the_tail_report_replaces_only_its_own_section(tmp_path):
    doc = tmp_path / "bench.md"
    doc.write_text(f"{MATRIX_START}\nmatrix\n{MATRIX_END}\n{TAIL_START}\nold\n{TAIL_END}\nend\n")
    write_section(doc, "tail figures", "tail")
    text = doc.read_text()
    assert "matrix" in text and "tail figures" in text and "old" not in text


def test_the_committed_benchmarks_doc_has_a_written_tail_section():
    text = (Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md").read_text()
    section = text.split(TAIL_START, 1)[1].split(TAIL_END, 1)[0]
    assert "cached / static req/s" in section and "max-requests" in section
