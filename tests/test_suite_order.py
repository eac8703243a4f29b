"""The suite runs in random order (pytest-randomly prints the seed) and refuses transactional
tests that would leave the next one a database in another state than the migrations made."""

import pytest

from tests.suite_order import transactional_without_restore


class FakeItem:
    def __init__(self, nodeid, marker=None, fixturenames=()):
        self.nodeid = nodeid
        self.marker = marker
        self.fixturenames = list(fixturenames)

    def get_closest_marker(self, name):
        return self.marker if name == "django_db" else None


def test_transactional_tests_without_serialized_rollback_are_reported():
    items = [
        FakeItem("plain", pytest.mark.django_db.mark),
        FakeItem("bare transaction", pytest.mark.django_db(transaction=True).mark),
        FakeItem(
            "restored",
            pytest.mark.django_db(transaction=True, serialized_rollback=True).mark,
        ),
        FakeItem("fixture only", fixturenames=["transactional_db"]),
        FakeItem("live server", fixturenames=["live_server", "django_db_serialized_rollback"]),
        FakeItem("no database"),
    ]
    assert transactional_without_restore(items) == ["bare transaction", "fixture only"]


def test_every_collected_transactional_test_restores_the_migrated_rows(request):
    assert transactional_without_restore(request.session.items) == []


def test_the_suite_runs_in_a_random_order_with_a_printed_seed(pytestconfig):
    assert pytestconfig.pluginmanager.has_plugin("randomly")
    # -p no:randomly turns it off for one run; the default is on, so CI shuffles.
    assert pytestconfig.getoption("randomly_reorganize") is True
    assert isinstance(pytestconfig.getoption("randomly_seed"), int)


def test_a_quiet_sqlite_leg_run_prints_its_seed_and_deselects_the_process_layouts():
    # One child pytest for two things a CI log must show (each start costs seconds): the seed
    # that replays the order, and the process-layout tests the SQLite leg leaves to the
    # PostgreSQL one (tests/ci_legs.py), counted as deselected, not skipped.
    import os
    import re

    from tests.processes import run_python

    node = (
        "tests/test_suite_order.py::"
        "test_transactional_tests_without_serialized_rollback_are_reported"
    )
    env = {**os.environ, "KIOSQUE_CI_LEG": "sqlite"}
    env.pop("DATABASE_URL", None)
    result = run_python(
        "-m", "pytest", "-q", "-p", "no:cacheprovider", "--randomly-seed=4242", node,
        "tests/test_two_processes.py", env=env, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Test order: --randomly-seed=4242 replays it" in result.stdout
    assert re.search(r"\b1 passed, 3 deselected\b", result.stdout), result.stdout
