"""bench/peak.py's diagnostics: where the machine's CPU went during a phase (a publisher that has
exited but is not reaped still counts as the publisher; wrk, reaped, counts through the bench's
children), and how many requests the server answered in each 100 ms window."""

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from bench import cpu
from bench.peak import dips, served_per_window


def test_an_exited_publisher_keeps_its_kind_and_its_cpu():
    before = {10: ("publisher", 1.0), 11: ("gunicorn", 5.0)}
    # Exited, not yet waited for: /proc has no command line for it any more.
    after = {10: ("other", 1.4), 11: ("gunicorn", 5.5), 12: ("postgres", 0.2)}
    spent = cpu.spent(before, after)
    assert round(spent["publisher"], 3) == 0.4
    assert round(spent["gunicorn"], 3) == 0.5
    assert round(spent["postgres"], 3) == 0.2  # new since: counted from zero
    assert "other" not in spent


def test_a_snapshot_sees_a_busy_process_by_its_command_line():
    burn = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
    proc = subprocess.Popen([sys.executable, "-c", burn, "peak_publisher"])  # noqa: S603
    try:
        before = cpu.snapshot()
        reaped = cpu.children()
        proc.wait(timeout=30)
        # Waited for: no longer in /proc, counted as a child of this process instead.
        assert proc.pid not in cpu.snapshot()
        assert cpu.children() - reaped >= 0.2
        assert before[proc.pid][0] == "publisher"
    finally:
        proc.kill()


def test_requests_are_counted_in_the_window_they_were_answered_in(tmp_path):
    since = datetime(2026, 12, 1, 10, 0, 0, tzinfo=UTC)
    log = tmp_path / "gunicorn.log"

    def line(ms):
        stamp = (since + timedelta(milliseconds=ms)).isoformat(timespec="milliseconds")
        return json.dumps({"time": stamp, "http": {"status": 200}}) + "\n"

    log.write_text(
        line(5) + line(99) + line(100) + "not json\n"
        + json.dumps({"time": since.isoformat(), "message": "boot"}) + "\n"
        + line(250) + line(-1) + line(300)
    )  # fmt: skip
    assert served_per_window(log, since, since + timedelta(milliseconds=300)) == [2, 1, 1]


def test_a_dip_is_a_window_under_sixty_percent_of_the_typical_count():
    assert dips([100, 61, 60, 59, 10], typical=100) == (2, 41 + 90)
    assert dips([100, 100], typical=100) == (0, 0)
