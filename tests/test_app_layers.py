"""The app layering in pyproject.toml holds; every connection pages with cms.cursors."""

import ast
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from graphql import GraphQLError

from cms import cursors
from tests.processes import clean_env, run_python

ROOT = Path(__file__).resolve().parent.parent
APPS = ("cms", "news", "home", "search", "newsletter", "delivery", "demo", "wpimport")


def test_app_layering_contracts_hold():
    """`lint-imports` (also in `make lint`): cms imports no feature app, apps never circle.

    In a process of its own: import-linter configures logging as it starts, which disabled
    every logger already created in this one (the tests after it lost their log records)."""
    config = str(ROOT / "pyproject.toml")
    code = (
        "import sys; from importlinter.cli import lint_imports; "
        f"sys.exit(lint_imports(config_filename={config!r}, no_cache=True, no_logo=True))"
    )
    done = run_python("-c", code, env=clean_env())
    assert done.returncode == 0, done.stdout + done.stderr


def test_only_the_cursor_codec_encodes_base64():
    """A second hand-written codec would drift from the first (padding, error handling)."""
    users = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    names = [node.module or ""]
                if "base64" in names:
                    users.append(str(path.relative_to(ROOT)))
    assert users == ["cms/cursors.py"]


def test_position_cursors_round_trip_in_utc():
    paris = timezone(timedelta(hours=1))
    moment = datetime(2026, 3, 1, 9, 30, tzinfo=paris)
    decoded = cursors.decode_position(cursors.encode_position(moment, 42))
    assert decoded == (moment, 42)
    assert decoded[0].tzinfo == UTC


@pytest.mark.parametrize(
    "payload",
    [
        ["2026-03-01T09:30:00", 1],  # no time zone
        ["2026-03-01T09:30:00+00:00", True],  # a bool is not an id
        ["2026-03-01T09:30:00+00:00", 2**63],  # past what the databases hold
        ["2026-03-01T09:30:00+00:00", 0],
        "not a pair",
        [[[[[]]]]],
    ],
)
def test_bad_position_cursors_are_client_errors(payload):
    with pytest.raises(GraphQLError) as caught:
        cursors.decode_position(cursors.encode(payload))
    assert caught.value.extensions == {"code": "BAD_CURSOR"}


@pytest.mark.parametrize("cursor", ["", "!!!", "é", "eyJ", "W10"])
def test_undecodable_cursors_are_client_errors(cursor):
    with pytest.raises(GraphQLError) as caught:
        cursors.decode_position(cursor)
    assert caught.value.extensions == {"code": "BAD_CURSOR"}


@pytest.mark.django_db
@pytest.mark.parametrize("factory", ["TopicFactory", "AuthorFactory"])
def test_a_bulk_import_gives_back_the_cache_invalidation_apps_registered(
    factory, django_capture_on_commit_callbacks
):
    """Apps register their models with cms (news: topics, authors); the WordPress import holds
    those signals back and must reconnect them through cms, which names no app."""
    from cms.graphql import cache
    from tests import factories
    from wpimport.services import deferred_signals

    with deferred_signals():
        pass
    before = cache.current_generation()
    with django_capture_on_commit_callbacks(execute=True):
        getattr(factories, factory)()
    assert cache.current_generation() != before
