import contextlib
import json
import logging
import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


def pytest_configure(config):
    # On CI an unreachable database must fail the run, never skip it.
    if os.environ.get("CI") == "true" and os.environ.get("DATABASE_URL"):
        config.addinivalue_line("markers", "ci_database: database reachability is enforced")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


OUR_APPS = ("cms", "news", "home", "search", "newsletter", "delivery", "demo", "wpimport")


@pytest.fixture(autouse=True)
def _loggers_left_enabled():
    """A test must not disable the loggers of modules already imported: a logging set-up run
    in-process (import-linter's did) silenced them for every test after it."""
    yield
    disabled = sorted(
        name
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
        and logger.disabled
        and name.split(".")[0] in OUR_APPS
    )
    for name in disabled:  # only the test that did it fails, not every one after it
        logging.getLogger(name).disabled = False
    assert not disabled, f"this test disabled loggers: {disabled}"


def _is_redis(cache) -> bool:
    from django.core.cache.backends.redis import RedisCache

    return isinstance(cache, RedisCache)


def clear_own_keys(cache) -> int:
    """Delete the keys under this cache's own prefix, and nothing else (never FLUSHDB: the
    Redis it points at may hold other people's data). Returns how many were deleted."""
    client = cache._cache.get_client(write=True)
    prefix = cache.key_prefix
    for special in "\\[]?*":
        prefix = prefix.replace(special, "\\" + special)
    pattern = prefix + ":*"
    deleted = 0
    batch = []
    for key in client.scan_iter(match=pattern, count=500):
        batch.append(key)
        if len(batch) >= 500:
            deleted += client.delete(*batch)
            batch = []
    if batch:
        deleted += client.delete(*batch)
    return deleted


class UnsafeRedis(Exception):
    pass


def clear_test_caches() -> None:
    """Empty every cache of the test settings: local memory wholesale (it belongs to this
    process), Redis only under the suite's own key prefix."""
    from django.conf import settings
    from django.core.cache import caches

    for alias in settings.CACHES:
        cache = caches[alias]
        if _is_redis(cache):
            if not cache.key_prefix:
                raise UnsafeRedis(
                    f"Refusing to run: the {alias!r} cache points at Redis without a key "
                    "prefix, so the suite could not tell its keys from anyone else's."
                )
            # A missing Redis is tested on its own; here it must not break unrelated tests.
            with contextlib.suppress(Exception):
                clear_own_keys(cache)
        else:
            cache.clear()


@pytest.fixture(autouse=True)
def _clear_cache():
    from cms import cache as redis_cache
    from cms.graphql import cache as http_cache

    try:
        clear_test_caches()
    except UnsafeRedis as exc:
        pytest.exit(str(exc), returncode=2)
    # What this process remembers about the caches starts afresh too.
    redis_cache.breaker.reset()
    http_cache.reset_state()
    yield


class GraphQLClient:
    def __init__(self, client):
        self.client = client

    def post(self, query: str, variables: dict | None = None, **extra):
        body = {"query": query}
        if variables is not None:
            body["variables"] = variables
        return self.client.post(
            "/graphql/", data=json.dumps(body), content_type="application/json", **extra
        )

    def query(self, query: str, variables: dict | None = None, **extra) -> dict:
        response = self.post(query, variables, **extra)
        assert response.status_code in (200, 400), response.content
        return response.json()

    def data(self, query: str, variables: dict | None = None, **extra) -> dict:
        payload = self.query(query, variables, **extra)
        assert "errors" not in payload, payload.get("errors")
        return payload["data"]


@pytest.fixture
def gql(client):
    return GraphQLClient(client)


@pytest.fixture
def count_queries():
    def run(fn):
        with CaptureQueriesContext(connection) as ctx:
            result = fn()
        return len(ctx.captured_queries), result

    return run


def pytest_collection_modifyitems(config, items):
    # Tests run in random order (pytest-randomly); see tests/suite_order.py for why this holds.
    from tests.ci_legs import LegMismatch, check_leg, split_for_leg
    from tests.suite_order import transactional_without_restore

    if offenders := transactional_without_restore(items):
        raise pytest.UsageError(
            "Transactional tests must use @pytest.mark.django_db(transaction=True, "
            "serialized_rollback=True) so the suite does not depend on order: "
            + ", ".join(offenders)
        )
    # Process-layout tests run on CI's PostgreSQL + Redis leg only: see tests/ci_legs.py.
    leg = os.environ.get("KIOSQUE_CI_LEG")
    try:
        check_leg(leg, os.environ)
    except LegMismatch as exc:
        raise pytest.UsageError(str(exc)) from exc
    kept, deselected = split_for_leg(items, leg)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def pytest_terminal_summary(terminalreporter, config):
    # Also under -q, which hides pytest-randomly's header: a failing order must be replayable.
    seed = config.getoption("randomly_seed", default=None)
    if config.pluginmanager.has_plugin("randomly") and isinstance(seed, int):
        terminalreporter.write_line(f"Test order: --randomly-seed={seed} replays it")


class Clock:
    """Django's clock, frozen and moved by hand: scheduled go-live and expiry without waiting."""

    def __init__(self, monkeypatch):
        from django.utils import timezone

        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **delta):
        from datetime import timedelta

        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)
