"""A GET is answered from its URL alone, and the response cache's key holds exactly what can
change the answer: no body can poison the entry every reader of a URL gets."""

import hashlib
import json
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.graphql import cache as http_cache
from tests.cache_reads import titles
from tests.factories import dated, make_article, make_section, make_site

QUERY = "query Q($s: String) { articles(section: $s, first: 5) { edges { node { title } } } }"
HASH = hashlib.sha256(QUERY.encode()).hexdigest()
PERSISTED = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": HASH}})
EVERY_TITLE = ["Au stade", "Au sommet"]


@pytest.fixture(autouse=True)
def _cache(settings):
    # The shared-cache generation store: a hit then costs no SQL at all, which the tests count.
    settings.KIOSQUE_CACHE = {**settings.KIOSQUE_CACHE, "GENERATION_STORE": "cache"}


@pytest.fixture
def site(db):
    home = make_site()
    make_article(make_section(home, "Monde"), "Au sommet", published_at=dated(1))
    make_article(make_section(home, "Sport"), "Au stade", published_at=dated(2))
    return home


def url(**params):
    return "/graphql/?" + urlencode(params)


def get_with_body(client, path, body, **extra):
    """A GET carrying a JSON body, as a hostile client can send one."""
    return client.generic("GET", path, json.dumps(body), content_type="application/json", **extra)


def sql_count(fn):
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    return len(ctx.captured_queries), response


def test_variables_in_a_get_body_neither_change_nor_poison_the_url_answer(client, site):
    poisoned = get_with_body(client, url(query=QUERY), {"variables": {"s": "sport"}})
    assert poisoned.status_code == 200
    assert titles(poisoned) == EVERY_TITLE
    assert titles(client.get(url(query=QUERY))) == EVERY_TITLE


def test_a_query_in_the_body_of_a_bare_get_is_not_answered_nor_cached(client, site):
    response = get_with_body(client, "/graphql/", {"query": QUERY})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["message"].startswith("A GET request is read from its URL only")
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert response["Cache-Control"] == "no-store"
    assert client.get("/graphql/").status_code == 400


def test_a_persisted_query_url_is_not_poisoned_through_a_body(client, site):
    client.get(url(query=QUERY, extensions=PERSISTED))  # registers the query
    poisoned = get_with_body(
        client,
        url(extensions=PERSISTED),
        {"variables": {"s": "sport"}, "query": "{ home { title } }"},
    )
    assert titles(poisoned) == EVERY_TITLE
    assert titles(client.get(url(extensions=PERSISTED))) == EVERY_TITLE


def test_apollo_get_with_a_json_content_type_and_no_body_is_answered(client, site):
    response = client.get(url(query=QUERY), CONTENT_TYPE="application/json")
    assert response.status_code == 200
    assert titles(response) == EVERY_TITLE


def stored_entries() -> int:
    """How many responses the response cache holds (local memory or Redis)."""
    from django.core.cache import caches

    cache = caches[http_cache.options()["ALIAS"]]
    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):
        return sum(http_cache.ENTRY_PREFIX in key for key in cache._cache)
    client = cache._cache.get_client()
    return sum(1 for _ in client.scan_iter(match=cache.make_key(http_cache.ENTRY_PREFIX + "*")))


def test_host_ports_that_match_the_same_site_share_one_entry(client, site):
    etags = set()
    for port in range(1, 11):
        response = client.get(url(query=QUERY), HTTP_HOST=f"127.0.0.1:{port}")
        assert titles(response) == EVERY_TITLE
        etags.add(response["ETag"])
    assert stored_entries() == 1
    assert len(etags) == 1


def test_a_persisted_hash_and_its_query_text_share_one_entry(client, site):
    client.get(url(query=QUERY))
    queries, response = sql_count(lambda: client.get(url(extensions=PERSISTED)))
    assert queries == 0
    assert titles(response) == EVERY_TITLE


def test_equivalent_spellings_of_variables_and_operation_share_one_entry(client, site):
    client.get(url(query=QUERY))
    for params in (
        {"variables": "{}"},
        {"variables": " null "},
        {"operationName": "null"},
        {"extensions": "{}"},
    ):
        queries, _ = sql_count(lambda p=params: client.get(url(query=QUERY, **p)))
        assert queries == 0, params


def test_different_variables_still_get_different_entries(client, site):
    client.get(url(query=QUERY))
    queries, response = sql_count(
        lambda: client.get(url(query=QUERY, variables=json.dumps({"s": "sport"})))
    )
    assert queries > 0
    assert titles(response) == ["Au stade"]


def test_the_key_ignores_the_raw_host_but_not_the_site(rf, site, settings):
    from wagtail.models import Site

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "autre.example"]
    other = Site.objects.create(hostname="autre.example", port=80, root_page=site)
    generation = 1
    keys = set()
    for host in ("localhost", "localhost:8000", "127.0.0.1:5"):
        request = rf.get(url(query=QUERY), HTTP_HOST=host)
        keys.add(
            http_cache.response_key(request, http_cache._site_memo.site_id(request, generation))
        )
    assert len(keys) == 1
    request = rf.get(url(query=QUERY), HTTP_HOST="autre.example")
    site_id = http_cache._site_memo.site_id(request, generation)
    assert site_id == other.pk
    assert http_cache.response_key(request, site_id) not in keys
