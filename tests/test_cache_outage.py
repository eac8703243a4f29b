"""A Redis outage slows the API down but never turns a read into an error."""

import pytest

from tests.factories import dated, make_article, make_section, make_site

CLOSED_PORT = "redis://127.0.0.1:1/0"

QUERY = """{ home { title url } sections { title url }
  articles(first: 5) { edges { node { title url urlPath section { url } } } } }"""


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {"BACKEND": "cms.cache.FailOpenRedisCache", "LOCATION": CLOSED_PORT},
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT,
        },
    }


@pytest.mark.django_db
def test_reads_succeed_with_urls_while_redis_is_unreachable(client, redis_down):
    home = make_site()
    section = make_section(home, "Monde", slug="monde")
    make_article(section, "Panne de cache", slug="panne", published_at=dated(1))

    for _ in range(2):  # the second request exercises the cache-write path too
        response = client.get("/graphql/", {"query": QUERY})
        assert response.status_code == 200
        payload = response.json()
        assert "errors" not in payload, payload
        node = payload["data"]["articles"]["edges"][0]["node"]
        assert node["url"] == "/monde/panne/"
        assert payload["data"]["home"]["title"] == "Kiosque"


def test_fail_open_cache_misses_and_drops_writes_when_unreachable():
    from cms.cache import FailOpenRedisCache

    cache = FailOpenRedisCache(CLOSED_PORT, {"OPTIONS": {"socket_connect_timeout": 0.2}})
    cache.set("k", "v")
    assert cache.get("k", "fallback") == "fallback"
    assert cache.get_many(["k"]) == {}
    assert cache.add("k", "v") is False
    assert cache.delete("k") is False


def test_strict_alias_still_raises_so_rate_limits_fail_closed(redis_down):
    from django.core.cache import caches
    from redis.exceptions import ConnectionError as RedisConnectionError

    with pytest.raises(RedisConnectionError):
        caches["ratelimit"].add("k", 1)
