"""The suite may be pointed at a Redis that holds other data: it deletes only its own keys."""

import json
import os

import pytest
import redis

from tests.conftest import UnsafeRedis, clear_test_caches
from tests.processes import run_python
from tests.redis_helpers import RedisServer


@pytest.fixture
def shared_redis(settings):
    """A Redis holding someone else's key, with the test settings' prefixed caches on it."""
    server = RedisServer().start()
    settings.CACHES = {
        "default": {
            "BACKEND": "cms.cache.FailOpenRedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "kiosque-test-1-default",
        },
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "kiosque-test-1-ratelimit",
        },
    }
    client = redis.Redis.from_url(server.url)
    client.set("prod:sessions:42", b"someone else's data")
    client.set("kiosque-test-1-defaultish:1:k", b"a look-alike prefix")
    yield client
    client.close()
    server.stop()


def test_clearing_between_tests_keeps_foreign_keys(shared_redis):
    from django.core.cache import caches

    caches["default"].set("mine", 1)
    caches["ratelimit"].set("mine", 2)
    clear_test_caches()
    assert caches["default"].get("mine") is None
    assert caches["ratelimit"].get("mine") is None
    assert shared_redis.get("prod:sessions:42") == b"someone else's data"
    assert shared_redis.get("kiosque-test-1-defaultish:1:k") == b"a look-alike prefix"


def test_a_redis_cache_without_a_prefix_is_refused(shared_redis, settings):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": ""},
    }
    with pytest.raises(UnsafeRedis, match="without a key prefix"):
        clear_test_caches()
    assert shared_redis.get("prod:sessions:42") == b"someone else's data"


def test_the_test_settings_give_every_redis_alias_its_own_prefix():
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps({a: c.get('KEY_PREFIX') for a, c in settings.CACHES.items()}))"
    )
    env = {"DJANGO_SETTINGS_MODULE": "cms.settings.test", "REDIS_URL": "redis://127.0.0.1:9/2"}
    out = run_python("-c", code, env={**os.environ, **env})
    assert out.returncode == 0, out.stderr
    prefixes = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(prefixes) == {"default", "responses", "ratelimit"}
    assert all(p.startswith("kiosque-test-") for p in prefixes.values())
    assert len(set(prefixes.values())) == 3
