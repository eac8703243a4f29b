"""Query plans of the SQL a request ran, to test that lookups use the indexes meant for them."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def captured_sql(run, *, containing: tuple[str, ...]) -> str:
    """The one statement `run()` executed that contains every given fragment."""
    with CaptureQueriesContext(connection) as queries:
        run()
    (sql,) = [q["sql"] for q in queries if all(part in q["sql"] for part in containing)]
    return sql


def query_plan(sql: str, *, forbid_seqscan: bool = False) -> str:
    """The database's plan for `sql` on one line. `forbid_seqscan` (PostgreSQL) shows whether an
    index is usable at all on tables too small for the planner to prefer it."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            return " / ".join(row[-1] for row in cursor.fetchall())
        if forbid_seqscan:
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        return " / ".join(row[0] for row in cursor.fetchall())


def analyzed_plan(sql: str) -> dict:
    """PostgreSQL's executed plan for `sql` (EXPLAIN ANALYZE, JSON): rows each node really read."""
    import json

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        raw = cursor.fetchone()[0]
    return (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]


def plan_nodes(plan: dict):
    """Every node of a JSON plan, depth first."""
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)
