"""Stale-while-revalidate on the server: the request that finds a hot answer stale gets that
answer at once and rebuilds it once its response is sent, within a bound (GRACE). Counted in
rebuilds and read from the cache, never timed."""

import time
from urllib.parse import urlencode

import pytest
from django.core.cache import caches

from cms.graphql import cache as http_cache
from tests.cache_reads import retitle, titles
from tests.factories import dated, make_article, make_section, make_site

QUERY = '{ articles(section: "monde") { edges { node { title } } } }'
URL = "/graphql/?" + urlencode({"query": QUERY})


@pytest.fixture
def monde(db, settings):
    settings.KIOSQUE_CACHE = {**settings.KIOSQUE_CACHE, "REVALIDATE_AFTER_RESPONSE": True}
    section = make_section(make_site(), "Monde")
    return make_article(section, "Premier", published_at=dated(1))


def only_key():
    (key,) = http_cache._fresh
    return key


def test_the_request_that_finds_a_hot_answer_stale_gets_it_and_rebuilds_after(client, monde):
    assert titles(client.get(URL)) == ["Premier"]
    retitle(monde, "Corrigé")
    before = http_cache.rebuilds
    # The test client closes the response as a WSGI server does once the body is sent: the
    # rebuild runs then, after this reader had its answer.
    response = client.get(URL)
    assert titles(response) == ["Premier"]
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=0"
    assert http_cache.rebuilds == before + 1
    key = only_key()
    assert caches[http_cache.options()["ALIAS"]].get(http_cache.lock_key(key)) is None
    # The next reader gets the rebuilt answer from the cache.
    assert titles(client.get(URL)) == ["Corrigé"]
    assert http_cache.rebuilds == before + 1


def test_an_answer_not_seen_fresh_within_the_grace_period_is_never_sent_stale(
    client, monde, settings
):
    client.get(URL)
    grace = settings.KIOSQUE_CACHE["GRACE"]
    # This process last saw it fresh longer ago than the grace period: it may have been stale
    # for that long already, so the reader waits for the rebuild.
    http_cache._fresh[only_key()][3] = time.monotonic() - grace - 1
    retitle(monde, "Corrigé")
    assert titles(client.get(URL)) == ["Corrigé"]


def test_a_rebuild_after_the_response_that_fails_releases_the_lock(client, monde, monkeypatch):
    client.get(URL)
    retitle(monde, "Corrigé")

    def broken(request, build, miss):
        raise RuntimeError("database gone")

    monkeypatch.setattr(http_cache, "_build_and_store", broken)
    client.raise_request_exception = False  # a WSGI server just logs it
    assert titles(client.get(URL)) == ["Premier"]  # the reader had its answer
    monkeypatch.undo()
    cache = caches[http_cache.options()["ALIAS"]]
    assert cache.get(http_cache.lock_key(only_key())) is None
    # So the next reader starts a rebuild of its own (still within the grace period).
    before = http_cache.rebuilds
    client.get(URL)
    assert http_cache.rebuilds == before + 1
    assert titles(client.get(URL)) == ["Corrigé"]


def test_off_the_first_request_after_a_change_waits_for_the_fresh_answer(client, monde, settings):
    settings.KIOSQUE_CACHE = {**settings.KIOSQUE_CACHE, "REVALIDATE_AFTER_RESPONSE": False}
    client.get(URL)
    retitle(monde, "Corrigé")
    assert titles(client.get(URL)) == ["Corrigé"]


def test_with_every_rebuild_slot_taken_the_stale_answer_is_served_without_a_rebuild(
    client, monde, settings
):
    # A change made many answers stale at once: only REBUILD_SLOTS of them are rebuilt at a
    # time, so that workers stay free for readers.
    settings.KIOSQUE_CACHE = {**settings.KIOSQUE_CACHE, "REBUILD_SLOTS": 1}
    client.get(URL)
    retitle(monde, "Corrigé")
    cache = caches[http_cache.options()["ALIAS"]]
    cache.add(http_cache.SLOT_PREFIX + "0", time.time(), timeout=10)  # another rebuild runs
    before = http_cache.rebuilds
    assert titles(client.get(URL)) == ["Premier"]
    assert http_cache.rebuilds == before
    # The key's lock was not kept: once the slot is free, the next reader rebuilds it.
    assert cache.get(http_cache.lock_key(only_key())) is None
    cache.delete(http_cache.SLOT_PREFIX + "0")
    assert titles(client.get(URL)) == ["Premier"]
    assert http_cache.rebuilds == before + 1
    assert cache.get(http_cache.SLOT_PREFIX + "0") is None  # released after the rebuild
    assert titles(client.get(URL)) == ["Corrigé"]


def test_past_the_grace_period_a_reader_rebuilds_even_with_every_slot_taken(
    client, monde, settings
):
    settings.KIOSQUE_CACHE = {**settings.KIOSQUE_CACHE, "REBUILD_SLOTS": 1}
    client.get(URL)
    retitle(monde, "Corrigé")
    caches[http_cache.options()["ALIAS"]].add(http_cache.SLOT_PREFIX + "0", time.time(), 10)
    http_cache._fresh[only_key()][3] = time.monotonic() - settings.KIOSQUE_CACHE["GRACE"] - 1
    assert titles(client.get(URL)) == ["Corrigé"]
