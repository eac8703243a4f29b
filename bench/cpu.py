"""Where a bench's CPU went: user + system time of the machine's processes, by kind, read from
/proc between two instants. Processes that start and end between the two readings are not seen
there: a bench counts its own reaped children (wrk) with `children()`."""

import os
from pathlib import Path

# The first kind whose marker is in a process's command line names it.
KINDS = (
    ("publisher", "peak_publisher"),
    ("gunicorn", "gunicorn"),
    ("postgres", "postgres"),
    ("redis", "redis-server"),
    ("wrk", "wrk"),
    ("bench", "bench/"),
)
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _kind(pid: str) -> str | None:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return None
    return next((kind for kind, marker in KINDS if marker in command), "other")


def snapshot() -> dict[int, tuple[str, float]]:
    """{pid: (kind, CPU seconds so far)} for every process readable now."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces: fields are counted after its closing parenthesis.
        fields = stat[stat.rindex(")") + 2 :].split()
        kind = _kind(entry.name)
        if kind is not None:
            found[int(entry.name)] = (kind, (int(fields[11]) + int(fields[12])) / _TICKS)
    return found


def spent(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds by kind between two snapshots (a process new in `after` counts from zero)."""
    totals: dict[str, float] = {}
    for pid, (kind, seconds) in after.items():
        earlier = before.get(pid)
        # A process that has exited but is not reaped yet has no command line any more.
        kind = earlier[0] if earlier else kind
        used = seconds - (earlier[1] if earlier else 0.0)
        totals[kind] = totals.get(kind, 0.0) + max(used, 0.0)
    return totals


def children() -> float:
    """CPU seconds of this process's children that have ended and been waited for."""
    times = os.times()
    return times.children_user + times.children_system
