"""Which tests each CI leg runs (.ci/run runs a SQLite leg and a PostgreSQL + Redis leg).

Every test runs on both legs except those marked `postgres_leg`: end-to-end tests of process
layouts (two server processes on one database, production settings and gunicorn read by fresh
interpreters, the newsroom's day in a real browser). They build their own processes and prove
how those processes meet; the PostgreSQL + Redis leg is the one that looks like production, so
they run there, and on SQLite they are deselected (reported as such, never skipped). Outside CI
(no KIOSQUE_CI_LEG) everything runs.
"""

LEGS = ("sqlite", "postgres")
MARKER = "postgres_leg"


class LegMismatch(Exception):
    pass


def check_leg(leg: str | None, env: dict) -> None:
    """A leg must be what it claims: the PostgreSQL leg's tests must not silently run on
    SQLite, and the SQLite leg must not drop tests from a PostgreSQL run."""
    if not leg:
        return
    if leg not in LEGS:
        raise LegMismatch(f"KIOSQUE_CI_LEG={leg!r}: expected one of {', '.join(LEGS)}")
    on_postgres = env.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    if leg == "postgres" and not (on_postgres and env.get("REDIS_URL")):
        raise LegMismatch("KIOSQUE_CI_LEG=postgres needs a postgres:// DATABASE_URL and REDIS_URL")
    if leg == "sqlite" and on_postgres:
        raise LegMismatch("KIOSQUE_CI_LEG=sqlite with a PostgreSQL DATABASE_URL")


def split_for_leg(items, leg: str | None) -> tuple[list, list]:
    """(kept, deselected) for this leg."""
    if leg != "sqlite":
        return list(items), []
    kept, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker(MARKER) else kept).append(item)
    return kept, deselected
