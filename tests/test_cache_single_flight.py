"""No stampede: one rebuild per key at a time. While it runs, other requests get the previous
answer (for at most GRACE seconds) or, on a key with no answer yet, wait for the rebuilt one.
Counted in rebuilds, never timed."""

import time
from urllib.parse import urlencode

import pytest
from django.core.cache import caches

from cms.graphql import cache as http_cache
from news.models import ArticlePage
from tests.cache_reads import retitle, titles
from tests.factories import dated, make_article, make_section, make_site

QUERY = '{ articles(section: "monde") { edges { node { title } } } }'
URL = "/graphql/?" + urlencode({"query": QUERY})


@pytest.fixture
def monde(db):
    section = make_section(make_site(), "Monde")
    return make_article(section, "Premier", published_at=dated(1))


def cache():
    return caches[http_cache.options()["ALIAS"]]


def lock_of(rf):
    request = rf.get(URL)
    key = http_cache.response_key(request, http_cache._site_memo.site_id(request, None))
    return http_cache.lock_key(key)


def test_while_another_request_rebuilds_the_previous_answer_is_served(client, rf, monde):
    client.get(URL)
    retitle(monde, "Corrigé")
    cache().add(lock_of(rf), time.time(), timeout=10)  # another process rebuilds
    before = http_cache.rebuilds
    response = client.get(URL)
    assert titles(response) == ["Premier"]
    assert http_cache.rebuilds == before
    # Shared caches must not keep an answer that is being replaced.
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=0"


def test_past_the_grace_period_a_request_rebuilds_itself(client, rf, monde, settings):
    client.get(URL)
    retitle(monde, "Corrigé")
    grace = settings.KIOSQUE_CACHE.get("GRACE", 10)
    cache().add(lock_of(rf), time.time() - grace - 1, timeout=10)
    before = http_cache.rebuilds
    assert titles(client.get(URL)) == ["Corrigé"]
    assert http_cache.rebuilds == before + 1


def test_many_requests_after_a_change_make_one_rebuild(client, rf, monde):
    client.get(URL)
    retitle(monde, "Corrigé")
    # Twenty requests look the key up before any of them has finished: one takes the lock.
    looked_up = [http_cache._lookup(rf.get(URL)) for _ in range(20)]
    rebuilding = [item for item in looked_up if isinstance(item, http_cache._Miss)]
    assert len(rebuilding) == 1 and rebuilding[0].lock
    assert all(titles(item) == ["Premier"] for item in looked_up if item not in rebuilding)
    # Once it is done the lock is gone and everyone reads the new answer from the cache.
    http_cache.serve(rf.get(URL), lambda: client.get(URL + "&_=1"))
    cache().delete(rebuilding[0].lock)
    before = http_cache.rebuilds
    assert titles(client.get(URL)) == ["Corrigé"]
    assert cache().get(lock_of(rf)) is None
    assert http_cache.rebuilds == before + 1


def test_the_first_request_after_a_change_rebuilds_and_releases_the_lock(client, rf, monde):
    client.get(URL)
    retitle(monde, "Corrigé")
    assert titles(client.get(URL)) == ["Corrigé"]
    assert cache().get(lock_of(rf)) is None
    before = http_cache.rebuilds
    assert titles(client.get(URL)) == ["Corrigé"]
    assert http_cache.rebuilds == before


def test_on_a_cold_key_a_request_waits_for_the_rebuild_instead_of_repeating_it(
    client, rf, monde, monkeypatch
):
    cache().add(lock_of(rf), time.time(), timeout=10)  # another process is building it
    finished = []

    def sleep(seconds):
        # Meanwhile the lock holder stores its answer and releases the lock.
        if not finished:
            finished.append(True)
            cache().delete(lock_of(rf))
            client.get(URL)

    monkeypatch.setattr(time, "sleep", sleep)
    before = http_cache.rebuilds
    assert titles(client.get(URL)) == ["Premier"]
    # One rebuild: the lock holder's; the waiting request built nothing.
    assert http_cache.rebuilds == before + 1


def test_an_answer_past_its_go_live_moment_is_never_served_as_stale(
    client, rf, monde, clock, settings
):
    section = ArticlePage.objects.get(pk=monde.pk).get_parent().specific
    article = make_article(section, "Embargo", published_at=dated(2))
    ArticlePage.objects.filter(pk=article.pk).update(go_live_at=clock.now)
    clock.advance(minutes=-5)
    assert titles(client.get(URL)) == ["Premier"]
    clock.advance(minutes=10)
    cache().add(lock_of(rf), time.time(), timeout=10)
    settings.KIOSQUE_CACHE = {**settings.KIOSQUE_CACHE, "WAIT": 0}
    assert titles(client.get(URL)) == ["Embargo", "Premier"]


def _build_reading(request, tag: str, changed: str):
    from django.http import HttpResponse

    from cms.graphql import dependencies

    def build():
        # A resolver reads what `tag` names, then a change to `changed` commits while this
        # answer is still being built from the rows read before it.
        dependencies.record(request, tag)
        http_cache.invalidate(changed)
        return HttpResponse(
            b'{"data": {"articles": {"edges": []}}}', content_type="application/json"
        )

    return build


def test_an_answer_built_while_a_tag_it_read_changed_is_not_kept(rf, monde):
    request = rf.get(URL)
    response = http_cache.serve(
        request, _build_reading(request, f"page:{monde.pk}", f"page:{monde.pk}")
    )
    assert response.status_code == 200
    # Nothing was kept: the next request builds again.
    assert isinstance(http_cache._lookup(rf.get(URL)), http_cache._Miss)


def test_an_answer_built_while_something_else_changed_is_kept(rf, monde):
    # Under a stream of unrelated changes a slow rebuild must still land, or the key would be
    # rebuilt by every request (before, any change anywhere during a build discarded it).
    request = rf.get(URL)
    http_cache.serve(request, _build_reading(request, f"page:{monde.pk}", "page:999999"))
    hit = http_cache._lookup(rf.get(URL))
    assert not isinstance(hit, http_cache._Miss)
    assert hit.status_code == 200
