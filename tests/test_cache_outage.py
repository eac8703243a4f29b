"""Redis faults, with the cache settings production builds: refused, hanging, slow, restarted.

Reads keep answering: the first failing call trips the fail-open class's breaker (one socket
timeout, 0.25 s), and while it is open no request touches Redis at all (shown below by the
connections a hanging server receives, not by timing). Signups fail closed with
TEMPORARILY_UNAVAILABLE, and the cache comes back by itself once Redis answers again.
Measured latencies: docs/redis-faults.md (bench/redis_faults.py).
"""

import json
import os
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms import cache as redis_cache
from newsletter.models import Subscriber
from tests.factories import dated, make_article, make_section, make_site
from tests.newsletter_helpers import error_codes, subscribe
from tests.processes import run_python
from tests.redis_helpers import HangingListener, RedisServer, SlowProxy, free_port

ROOT = Path(__file__).resolve().parent.parent
QUERY = """{ home { title url } sections { title url }
  articles(first: 5) { edges { node { title url urlPath section { url } } } } }"""


@pytest.fixture(scope="module")
def production_caches():
    """CACHES exactly as cms.settings.production builds them when REDIS_URL is set."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": "faults-test-only",
        "ALLOWED_HOSTS": "localhost",
        "REDIS_URL": "redis://127.0.0.1:9/0",
        "REDIS_RATELIMIT_URL": "",
    }
    code = "import django, json; django.setup(); from django.conf import settings; "
    code += "print(json.dumps(settings.CACHES))"
    out = run_python("-c", code, env=env)
    assert out.returncode == 0, out.stderr
    caches_setting = json.loads(out.stdout.strip().splitlines()[-1])
    assert caches_setting["responses"]["BACKEND"] == "cms.cache.FailOpenRedisCache"
    assert caches_setting["ratelimit"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    return caches_setting


@pytest.fixture
def point_caches(settings, production_caches):
    """Point the production cache settings at `url` (rate limits too, unless told apart)."""

    def point(url, ratelimit_url=None, retry_after=None):
        configured = {}
        for alias, conf in production_caches.items():
            conf = {**conf, "LOCATION": ratelimit_url if alias == "ratelimit" and ratelimit_url
                    else url, "KEY_PREFIX": f"faults-{os.getpid()}-{alias}"}  # fmt: skip
            if retry_after is not None and "retry_after" in conf.get("OPTIONS", {}):
                conf["OPTIONS"] = {**conf["OPTIONS"], "retry_after": retry_after}
            configured[alias] = conf
        settings.CACHES = configured
        settings.KIOSQUE_CACHE = {**settings.KIOSQUE_CACHE, "GENERATION_STORE": "cache"}
        redis_cache.breaker.reset()

    yield point
    redis_cache.breaker.reset()


@pytest.fixture
def site(db):
    home = make_site()
    section = make_section(home, "Monde", slug="monde")
    make_article(section, "Panne de cache", slug="panne", published_at=dated(1))
    return home


def read(client):
    response = client.get("/graphql/?" + urlencode({"query": QUERY}))
    assert response.status_code == 200
    payload = response.json()
    assert "errors" not in payload, payload
    urls = [e["node"]["url"] for e in payload["data"]["articles"]["edges"]]
    assert "/monde/panne/" in urls
    return response


def sql_count(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        read(client)
    return len(ctx.captured_queries)


def test_refused_reads_answer_and_the_breaker_trips(client, site, point_caches):
    point_caches(f"redis://127.0.0.1:{free_port()}/0")
    read(client)
    assert caches["responses"].available() is False
    read(client)  # served uncached, Redis not tried again


def test_a_hanging_redis_is_waited_on_once_then_skipped(client, site, point_caches):
    hanging = HangingListener()
    try:
        point_caches(hanging.url)
        read(client)
        tried = len(hanging.accepted)
        assert tried >= 1
        for _ in range(5):
            read(client)
        # While the breaker is open not one request opened a connection to Redis.
        assert len(hanging.accepted) == tried
    finally:
        hanging.close()


def test_a_redis_slower_than_the_socket_timeout_is_skipped(client, site, point_caches):
    server = RedisServer().start()
    proxy = SlowProxy(server.port, delay=0.6)
    try:
        point_caches(proxy.url)
        read(client)
        assert caches["responses"].available() is False
        opened = proxy.connections
        for _ in range(3):
            read(client)
        assert proxy.connections == opened
    finally:
        proxy.close()
        server.stop()


def test_a_redis_a_little_slow_is_still_used(client, site, point_caches):
    server = RedisServer().start()
    proxy = SlowProxy(server.port, delay=0.02)
    try:
        point_caches(proxy.url)
        assert sql_count(client) > 0
        assert sql_count(client) == 0  # a hit, through the slow Redis
        assert caches["responses"].available() is True
    finally:
        proxy.close()
        server.stop()


def test_the_cache_comes_back_by_itself_after_a_restart(client, site, point_caches):
    server = RedisServer().start()
    try:
        point_caches(server.url, retry_after=0.3)
        read(client)
        assert sql_count(client) == 0
        server.stop()
        read(client)  # Redis gone: answered uncached
        assert caches["responses"].available() is False
        server.start()  # same port, empty (as after a restart without persistence)
        time.sleep(0.35)
        assert sql_count(client) > 0  # rebuilt, and stored again
        assert sql_count(client) == 0
    finally:
        server.stop()


def test_signups_fail_closed_while_redis_hangs(gql, site, point_caches, mailoutbox):
    hanging = HangingListener()
    try:
        point_caches(hanging.url)
        result = subscribe(gql)
        assert result["ok"] is False
        assert error_codes(result) == ["TEMPORARILY_UNAVAILABLE"]
        assert Subscriber.objects.count() == 0
        assert mailoutbox == []
    finally:
        hanging.close()


def test_rate_limits_keep_working_when_only_the_cache_redis_hangs(
    gql, site, point_caches, django_capture_on_commit_callbacks
):
    hanging = HangingListener()
    server = RedisServer().start()
    try:
        point_caches(hanging.url, ratelimit_url=server.url)
        with django_capture_on_commit_callbacks(execute=True):
            result = subscribe(gql)
        assert result["ok"] is True, result
    finally:
        hanging.close()
        server.stop()


def test_invalidation_missed_during_an_outage_is_replayed(client, site, point_caches):
    from cms.graphql import cache as http_cache

    server = RedisServer().start()
    try:
        point_caches(server.url, retry_after=0.3)
        read(client)
        server.stop()
        make_article(
            make_section(site, "France"), "Pendant la panne", slug="pendant", published_at=dated(9)
        )
        assert http_cache._bump_pending
        server.start()
        time.sleep(0.35)
        response = read(client)
        titles = [e["node"]["title"] for e in response.json()["data"]["articles"]["edges"]]
        assert "Pendant la panne" in titles
    finally:
        server.stop()
