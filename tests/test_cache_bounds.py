"""The response cache stays bounded: entries are capped in number and in size, and filling it
cannot evict anything else (it has a cache alias, so a key space, of its own)."""

import json
import time
from urllib.parse import urlencode

import pytest
from django.core.cache import caches

from cms.graphql import cache as http_cache
from tests.factories import dated, make_article, make_section, make_site
from tests.test_cache_poisoning import stored_entries

QUERY = "query Q($n: Int) { articles(first: $n) { edges { node { title } } } }"


@pytest.fixture
def site(db):
    section = make_section(make_site(), "Monde")
    for n in range(3):
        make_article(section, f"Article {n}", published_at=dated(n))


@pytest.fixture
def small_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "responses": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "bounds-test",
            "OPTIONS": {"MAX_ENTRIES": 20},
        },
    }
    settings.KIOSQUE_CACHE = {**settings.KIOSQUE_CACHE, "ALIAS": "responses"}
    caches["responses"].clear()  # this process's own memory, shared by the tests using it


def get(client, n, **params):
    return client.get(
        "/graphql/?" + urlencode({"query": QUERY, "variables": json.dumps({"n": n}), **params})
    )


def test_filling_the_response_cache_past_its_bound_keeps_it_bounded(client, site, small_cache):
    caches["ratelimit"].set("newsletter:rl:ip:x:1", 3, timeout=60)
    caches["default"].set("wagtail-like-entry", "kept", timeout=60)
    for n in range(1, 101):
        assert get(client, n).status_code == 200
        assert stored_entries() <= 20
    assert stored_entries() > 0
    assert caches["ratelimit"].get("newsletter:rl:ip:x:1") == 3
    assert caches["default"].get("wagtail-like-entry") == "kept"


def test_an_answer_larger_than_the_entry_bound_is_served_but_not_kept(
    client, site, small_cache, settings
):
    settings.KIOSQUE_CACHE = {**settings.KIOSQUE_CACHE, "MAX_ENTRY_BYTES": 50}
    response = get(client, 3)
    assert response.status_code == 200
    assert len(response.content) > 50
    assert response["Cache-Control"].startswith("public")
    assert stored_entries() == 0
    settings.KIOSQUE_CACHE = {**settings.KIOSQUE_CACHE, "MAX_ENTRY_BYTES": 10_000}
    get(client, 3)
    assert stored_entries() == 1


def test_entries_never_live_longer_than_the_timeout(client, site, small_cache, settings):
    settings.KIOSQUE_CACHE = {**settings.KIOSQUE_CACHE, "TIMEOUT": 120}
    get(client, 2)
    cache = caches["responses"]
    (key,) = [k for k in cache._cache if http_cache.ENTRY_PREFIX in k]
    remaining = cache._expire_info[key] - time.time()
    assert 0 < remaining <= 120
