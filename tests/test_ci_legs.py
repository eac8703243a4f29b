"""CI's SQLite leg leaves the process-layout tests to the PostgreSQL + Redis leg, visibly
(deselected, never skipped), and a leg that is not what it claims stops the run. The
deselection as a CI run reports it is checked with the quiet run in tests/test_suite_order.py."""

import re
from pathlib import Path

import pytest

from tests.ci_legs import LegMismatch, check_leg, split_for_leg

ROOT = Path(__file__).resolve().parent.parent
PG = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x", "REDIS_URL": "redis://r/1"}


class FakeItem:
    def __init__(self, name, marked=False):
        self.name = name
        self.marked = marked

    def get_closest_marker(self, name):
        return object() if self.marked and name == "postgres_leg" else None


def test_only_the_sqlite_leg_deselects_and_only_marked_tests():
    items = [FakeItem("a"), FakeItem("layout", marked=True), FakeItem("b")]
    kept, dropped = split_for_leg(items, "sqlite")
    assert [i.name for i in kept] == ["a", "b"]
    assert [i.name for i in dropped] == ["layout"]
    for leg in ("postgres", None, ""):
        assert split_for_leg(items, leg) == (items, [])


@pytest.mark.parametrize(
    ("leg", "env"),
    [
        ("postgres", {}),
        ("postgres", {"DATABASE_URL": "sqlite:///x", "REDIS_URL": "redis://r/1"}),
        ("postgres", {"DATABASE_URL": PG["DATABASE_URL"]}),
        ("sqlite", PG),
        ("mysql", {}),
    ],
)
def test_a_leg_that_is_not_what_it_claims_is_refused(leg, env):
    with pytest.raises(LegMismatch):
        check_leg(leg, env)


@pytest.mark.parametrize(("leg", "env"), [(None, {}), ("sqlite", {}), ("postgres", PG)])
def test_legs_that_are_what_they_claim_pass(leg, env):
    check_leg(leg, env)


def test_ci_runs_each_leg_under_its_name():
    script = (ROOT / ".ci" / "run").read_text()
    sqlite_leg = re.search(r"^sqlite_leg\(\) \{\n(.*?)^\}", script, re.M | re.S).group(1)
    pg_leg = re.search(r"^postgres_leg\(\) \{\n(.*?)^\}", script, re.M | re.S).group(1)
    assert re.fullmatch(r"\s*KIOSQUE_CI_LEG=sqlite make test\s*", sqlite_leg)
    assert re.fullmatch(
        r'\s*KIOSQUE_CI_LEG=postgres DATABASE_URL="\$PG_URL" REDIS_URL="\$REDIS" make test\s*',
        pg_leg,
    )
    # Both run, and the run fails when either fails.
    assert re.search(r"^sqlite_leg >.*&$", script, re.M)
    assert re.search(r"^postgres_leg >.*&$", script, re.M)
    assert script.rstrip().endswith('[ "$status" -eq 0 ] && [ "$pg_status" -eq 0 ]')
