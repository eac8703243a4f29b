"""bench/run.py --matrix: the four database x cache runs are reported side by side, with each
ratio computed from its own run, and the report replaces only its own section of the doc."""

import argparse

import pytest

from bench.run import MATRIX_END, MATRIX_START, render_matrix, write_section


def run(kiosque_ms, stock_ms, kiosque_rps=None, stock_rps=None):
    rows = {
        "uncached": {
            "kiosque_listing": {"p50_ms": kiosque_ms},
            "stock_listing": {"p50_ms": stock_ms},
            "kiosque_article": {"p50_ms": 10.0},
            "stock_article": {"p50_ms": 20.0},
        },
        "cached": {},
    }
    load = {"uncached": {}, "cached": {}}
    if kiosque_rps:
        load["uncached"] = {
            "kiosque_listing": {"rps": kiosque_rps},
            "stock_listing": {"rps": stock_rps},
        }
    return rows, load


def test_the_matrix_report_tells_the_database_effect_from_the_cache_effect():
    results = [
        ("SQLite", "local memory", *run(20.0, 80.0, 100.0, 25.0), "#### one"),
        ("SQLite", "Redis", *run(20.0, 200.0), "#### two"),
        ("PostgreSQL", "local memory", *run(25.0, 100.0), "#### three"),
        ("PostgreSQL", "Redis", *run(25.0, 250.0), "#### four"),
    ]
    report = render_matrix(argparse.Namespace(articles=1000), results, 1.0)
    assert "| SQLite | local memory | 20.0 | 80.0 | 4.0x | 100.0 | 25.0 | 4.0x | 2.0x |" in report
    assert "| SQLite | Redis | 20.0 | 200.0 | 10.0x | - | - | - | 2.0x |" in report
    assert "local memory 4.0x -> 4.0x from SQLite to PostgreSQL; Redis 10.0x -> 10.0x" in report
    assert "SQLite 4.0x -> 10.0x from local memory to Redis; PostgreSQL 4.0x -> 10.0x" in report
    assert "Target ≥ 5x: met by SQLite/Redis, PostgreSQL/Redis (in-process p50)" in report
    assert report.index("#### one") < report.index("#### four")


def test_the_report_replaces_only_its_section(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"before\n{MATRIX_START}\nold figures\n{MATRIX_END}\nafter\n")
    write_section(doc, "new figures")
    text = doc.read_text()
    assert text.startswith("before\n") and text.endswith(f"{MATRIX_END}\nafter\n")
    assert "new figures" in text and "old figures" not in text
    write_section(doc, "newer figures")
    assert "new figures" not in doc.read_text() and doc.read_text().count(MATRIX_START) == 1


def test_a_doc_without_the_markers_is_left_alone(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text("hand-written\n")
    with pytest.raises(SystemExit, match="bench-matrix"):
        write_section(doc, "figures")
    assert doc.read_text() == "hand-written\n"


def test_the_committed_benchmarks_doc_has_the_matrix_section():
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md").read_text()
    section = text.split(MATRIX_START, 1)[1].split(MATRIX_END, 1)[0]
    for combo in ("| SQLite | local memory |", "| SQLite | Redis |",
                  "| PostgreSQL | local memory |", "| PostgreSQL | Redis |"):  # fmt: skip
        assert combo in section
    assert "Command: `.venv/bin/python bench/run.py --matrix" in section
