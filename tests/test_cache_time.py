"""No cached answer outlives the next go-live or expiry of a page it could contain, with or
without Wagtail's scheduler, and the clock and tag stamps are shared through the database
without Redis."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.graphql import cache as http_cache
from cms.models import CacheTagStamp, ContentGeneration
from news.models import ArticlePage
from tests.factories import dated, make_article, make_section, make_site

LISTING = "{ articles(first: 10) { edges { node { title } } } }"


@pytest.fixture
def monde(db):
    section = make_section(make_site(), "Monde")
    make_article(section, "Toujours là", published_at=dated(5))
    return section


def get(client):
    return client.get("/graphql/?" + urlencode({"query": LISTING}))


def titles(response):
    return {e["node"]["title"] for e in response.json()["data"]["articles"]["edges"]}


def cached(client):
    """The listing, asked twice: the second answer must come from the cache."""
    first = get(client)
    second = get(client)
    assert second["ETag"] == first["ETag"]
    return titles(second)


@pytest.mark.django_db
def test_an_article_expiring_while_its_listing_is_cached_leaves_it_at_once(client, monde, clock):
    article = make_article(monde, "Éphémère", live=False, published_at=dated(1))
    article.expire_at = clock.now + timedelta(hours=1)
    article.save_revision().publish()
    assert cached(client) == {"Éphémère", "Toujours là"}

    clock.advance(minutes=59)
    assert cached(client) == {"Éphémère", "Toujours là"}
    clock.advance(minutes=1, seconds=1)
    # No scheduler has run: only the entry's own deadline ends it.
    assert ArticlePage.objects.get(pk=article.pk).live is True
    assert titles(get(client)) == {"Toujours là"}


@pytest.mark.django_db
def test_a_live_page_going_live_while_a_listing_is_cached_appears_at_once(client, monde, clock):
    article = make_article(monde, "À l'heure dite", published_at=dated(1))
    ArticlePage.objects.filter(pk=article.pk).update(go_live_at=clock.now + timedelta(hours=2))
    assert cached(client) == {"Toujours là"}

    clock.advance(hours=2, seconds=1)
    assert titles(get(client)) == {"À l'heure dite", "Toujours là"}


@pytest.mark.django_db
def test_a_scheduled_article_published_by_the_worker_reaches_a_cached_listing(
    client, monde, clock
):
    article = make_article(monde, "Sous embargo", live=False, published_at=dated(1))
    article.go_live_at = clock.now + timedelta(hours=1)
    article.save_revision().publish()
    assert cached(client) == {"Toujours là"}

    clock.advance(hours=1, seconds=1)
    call_command("run_worker", "--once", verbosity=0)
    assert titles(get(client)) == {"Sous embargo", "Toujours là"}


@pytest.mark.django_db
def test_browsers_are_not_told_to_keep_an_answer_past_its_deadline(client, monde, clock):
    article = make_article(monde, "Dix secondes", live=False, published_at=dated(1))
    article.expire_at = clock.now + timedelta(seconds=10)
    article.save_revision().publish()
    control = get(client)["Cache-Control"]
    assert "max-age=10," in control and "s-maxage=10," in control
    clock.advance(seconds=4)
    assert "max-age=6," in get(client)["Cache-Control"]  # the hit carries what is left


@pytest.mark.django_db
def test_without_redis_a_hit_reads_the_generation_from_the_database(client, monde, settings):
    settings.KIOSQUE_CACHE = {**settings.KIOSQUE_CACHE, "GENERATION_STORE": "database"}
    get(client)
    with CaptureQueriesContext(connection) as ctx:
        hit = get(client)
    assert len(ctx.captured_queries) == 1
    # The clock alone: this process saw the entry fresh at this clock, and every change moves
    # the clock with the stamps of its tags.
    assert "cms_contentgeneration" in ctx.captured_queries[0]["sql"]
    assert "cms_cachetagstamp" not in ctx.captured_queries[0]["sql"]

    # Another process publishes: all it shares with this one is the database rows (the clock
    # and the stamp of the article's tag).
    article = ArticlePage.objects.get(title="Toujours là")
    ArticlePage.objects.filter(pk=article.pk).update(title="Corrigé")
    http_cache._bump_database({f"page:{article.pk}"})
    # A stamp is the clock value of its tag's last change.
    stamp = CacheTagStamp.objects.get(tag=f"page:{article.pk}").value
    assert stamp == ContentGeneration.objects.get().value
    with CaptureQueriesContext(connection) as ctx:
        fresh = get(client)
    assert titles(fresh) == {"Corrigé"}
    assert fresh["ETag"] != hit["ETag"]
    # The clock moved: the stamps were read again (clock and stamps in one query).
    assert any("cms_cachetagstamp" in query["sql"] for query in ctx.captured_queries)
