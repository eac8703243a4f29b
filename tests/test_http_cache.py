"""Anonymous GETs are cacheable by browsers, CDNs and the server, and any content change makes
the very next request fresh."""

import json
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.contrib.redirects.models import Redirect

from cms.graphql import cache as http_cache
from news.models import ArticlePage
from tests.cache_reads import titles
from tests.factories import (
    AuthorFactory,
    TopicFactory,
    dated,
    make_article,
    make_image,
    make_section,
    make_site,
)

QUERY = (
    "{ articles(first: 10) { edges { node { title url "
    "authors { name } topics { name } leadImage { alt } } } } }"
)
CACHE_OPTIONS = {
    "ENABLED": True,
    "ALIAS": "responses",
    # In-process tests count a hit as zero SQL; the database store is tested on its own.
    "GENERATION_STORE": "cache",
    "MAX_AGE": 11,
    "S_MAXAGE": 22,
    "STALE_WHILE_REVALIDATE": 33,
    "TIMEOUT": 600,
    "PATH": "/graphql/",
}


class FakeCDN:
    """A frontend cache backend that records what it was asked to purge."""

    purged: list[str] = []

    def __init__(self, params):
        self.hostnames = ["*"]

    def purge(self, url):
        FakeCDN.purged.append(url)

    def purge_batch(self, urls):
        FakeCDN.purged.extend(urls)

    def invalidates_hostname(self, hostname):
        return True


@pytest.fixture(autouse=True)
def _cache_settings(settings):
    settings.KIOSQUE_CACHE = CACHE_OPTIONS
    http_cache.reset_state()
    yield
    http_cache.reset_state()


@pytest.fixture
def site(db):
    home = make_site()
    section = make_section(home, "Monde")
    other = make_section(home, "France")
    author = AuthorFactory(name="Claire Martin")
    topic = TopicFactory(name="Climat")
    image = make_image("Glacier")
    article = make_article(
        section, "Premier", slug="premier", published_at=dated(1), authors=[author],
        topics=[topic], lead_image=image,
    )  # fmt: skip
    # No alt text of its own: the image title stands in, so image edits show.
    ArticlePage.objects.filter(pk=article.pk).update(lead_image_alt="")
    return {"home": home, "section": section, "other": other, "article": article,
            "author": author, "topic": topic, "image": image}  # fmt: skip


def get(client, query=QUERY, **extra):
    return client.get("/graphql/?" + urlencode({"query": query}), **extra)


def fetch(client, query=QUERY, **extra):
    """(number of SQL queries, response); 0 queries means it came from the response cache."""
    with CaptureQueriesContext(connection) as ctx:
        response = get(client, query, **extra)
    return len(ctx.captured_queries), response


def test_anonymous_get_is_publicly_cacheable_without_cookies(client, site):
    response = get(client)
    assert response.status_code == 200
    assert titles(response) == ["Premier"]
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    assert "cookie" not in response.headers.get("Vary", "").lower()
    assert (
        response["Cache-Control"] == "public, max-age=11, s-maxage=22, stale-while-revalidate=33"
    )
    etag = response["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")


def test_if_none_match_gets_304(client, site):
    etag = get(client)["ETag"]
    response = get(client, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert get(client, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_conditional_headers_follow_the_http_rules(client, site):
    # A weak validator and a list both match (weak comparison for If-None-Match, RFC 9110);
    # a failed If-Match is refused with 412 and carries no public caching.
    etag = get(client)["ETag"]
    assert get(client, HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304
    assert get(client, HTTP_IF_NONE_MATCH=f'"other", {etag}').status_code == 304
    refused = get(client, HTTP_IF_MATCH='"other"')
    assert refused.status_code == 412
    assert "public" not in refused.get("Cache-Control", "")
    assert get(client, HTTP_IF_MATCH=etag).status_code == 200


def test_second_get_is_served_without_sql(client, site):
    queries, first = fetch(client)
    assert queries > 0
    queries, second = fetch(client)
    assert queries == 0
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_variables_and_operation_are_part_of_the_key(client, site):
    query = "query Q($n: Int) { articles(first: $n) { edges { node { title } } } }"
    fetch(client, query)
    url = "/graphql/?" + urlencode({"query": query, "variables": json.dumps({"n": 1})})
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    assert len(ctx.captured_queries) > 0


def test_post_is_never_cached(client, site):
    body = json.dumps({"query": QUERY})
    first = client.post("/graphql/", body, content_type="application/json")
    assert first["Cache-Control"] == "no-store"
    assert "ETag" not in first
    with CaptureQueriesContext(connection) as ctx:
        client.post("/graphql/", body, content_type="application/json")
    assert len(ctx.captured_queries) > 0
    # A POST does not fill the cache for GETs either.
    assert fetch(client)[0] > 0


def test_mutation_over_get_is_refused_and_not_cached(client, site):
    response = get(client, "mutation { x }")
    assert response.status_code != 200
    assert response["Cache-Control"] == "no-store"


def test_errors_are_not_cached(client, site):
    # The first field reads the database; the second fails (a bad cursor fails before any
    # read, so the SQL count of a repeat tells a cached answer from a fresh one).
    query = (
        "{ ok: articles(first: 5) { edges { cursor } } "
        'bad: articles(first: 5, after: "nope") { edges { cursor } } }'
    )
    response = get(client, query)
    assert "errors" in response.json()
    assert response["Cache-Control"] == "no-store"
    assert fetch(client, query)[0] > 0


def test_requests_with_a_session_or_credentials_bypass_the_cache(client, site):
    fetch(client)
    client.cookies["sessionid"] = "abc"
    queries, response = fetch(client)
    assert queries > 0
    assert response["Cache-Control"] == "no-store"
    del client.cookies["sessionid"]
    queries, response = fetch(client, HTTP_AUTHORIZATION="Bearer x")
    assert queries > 0


def _cached(client):
    fetch(client)
    assert fetch(client)[0] == 0


def test_publishing_makes_the_next_request_fresh(client, site):
    _cached(client)
    make_article(site["section"], "Deuxième", slug="deuxieme", published_at=dated(2))
    queries, response = fetch(client)
    assert queries > 0
    assert titles(response) == ["Deuxième", "Premier"]


def test_unpublishing_makes_the_next_request_fresh(client, site):
    _cached(client)
    site["article"].unpublish()
    assert titles(fetch(client)[1]) == []


def test_deleting_makes_the_next_request_fresh(client, site):
    _cached(client)
    site["article"].delete()
    assert titles(fetch(client)[1]) == []


def test_moving_makes_the_next_request_fresh(client, site):
    _cached(client)
    site["article"].move(site["other"], pos="last-child")
    node = fetch(client)[1].json()["data"]["articles"]["edges"][0]["node"]
    assert node["url"] == "/france/premier/"


def test_editing_an_author_makes_the_next_request_fresh(client, site):
    _cached(client)
    site["author"].name = "Claire Dubois"
    site["author"].save()
    node = fetch(client)[1].json()["data"]["articles"]["edges"][0]["node"]
    assert node["authors"] == [{"name": "Claire Dubois"}]


def test_editing_a_topic_makes_the_next_request_fresh(client, site):
    _cached(client)
    site["topic"].name = "Climat et énergie"
    site["topic"].save()
    node = fetch(client)[1].json()["data"]["articles"]["edges"][0]["node"]
    assert node["topics"] == [{"name": "Climat et énergie"}]


def test_editing_an_image_makes_the_next_request_fresh(client, site):
    _cached(client)
    site["image"].title = "Glacier fondant"
    site["image"].save()
    node = fetch(client)[1].json()["data"]["articles"]["edges"][0]["node"]
    assert node["leadImage"]["alt"] == "Glacier fondant"


def test_saving_or_deleting_a_redirect_makes_the_next_request_fresh(client, site):
    _cached(client)
    redirect = Redirect.objects.create(old_path="/ancien", redirect_link="/monde/premier/")
    assert fetch(client)[0] > 0
    _cached(client)
    redirect.delete()
    assert fetch(client)[0] > 0


DEAD_REDIS = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    # Nothing listens on port 1: every cache call fails.
    "LOCATION": "redis://127.0.0.1:1/4",
    "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
}


@override_settings(CACHES={"default": DEAD_REDIS, "responses": DEAD_REDIS})
def test_cache_down_degrades_to_uncached_responses(client, site):
    response = get(client)
    assert response.status_code == 200
    assert titles(response) == ["Premier"]
    # Invalidation with the cache down does not break publishing either.
    make_article(site["section"], "Deuxième", slug="deuxieme", published_at=dated(2))
    assert http_cache._bump_pending
    http_cache._down_until = 0.0
    queries, response = fetch(client)
    assert queries > 0
    assert titles(response) == ["Deuxième", "Premier"]


def test_an_invalidation_missed_while_the_cache_was_down_is_replayed(client, site):
    _cached(client)
    # The publish happens while the cache cannot be reached...
    with override_settings(CACHES={"default": DEAD_REDIS, "responses": DEAD_REDIS}):
        make_article(site["section"], "Deuxième", slug="deuxieme", published_at=dated(2))
    # ...and the old entry is not served once it is back.
    http_cache._down_until = 0.0
    queries, response = fetch(client)
    assert queries > 0
    assert titles(response) == ["Deuxième", "Premier"]


def test_cdn_is_purged_after_a_publish(site, settings, django_capture_on_commit_callbacks):
    settings.WAGTAILFRONTENDCACHE = {"fake": {"BACKEND": "tests.test_http_cache.FakeCDN"}}
    settings.KIOSQUE_CDN_PURGE_URLS = ["https://api.example.fr/graphql/*"]
    FakeCDN.purged = []
    with django_capture_on_commit_callbacks(execute=True):
        make_article(site["section"], "Deuxième", slug="deuxieme", published_at=dated(2))
    assert "https://api.example.fr/graphql/*" in FakeCDN.purged


def test_no_cdn_purge_without_configuration(site, settings, django_capture_on_commit_callbacks):
    settings.WAGTAILFRONTENDCACHE = {"fake": {"BACKEND": "tests.test_http_cache.FakeCDN"}}
    settings.KIOSQUE_CDN_PURGE_URLS = []
    FakeCDN.purged = []
    with django_capture_on_commit_callbacks(execute=True):
        site["article"].unpublish()
    assert FakeCDN.purged == []


def test_cache_hits_keep_cors_headers_and_vary_on_language(client, site, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://front.example.fr"]
    origin = {"HTTP_ORIGIN": "https://front.example.fr"}
    fetch(client, **origin)
    queries, hit = fetch(client, **origin)
    assert queries == 0
    assert hit["Access-Control-Allow-Origin"] == "https://front.example.fr"
    assert "Accept-Language" in hit["Vary"]
    assert "cookie" not in hit["Vary"].lower()


def test_language_is_part_of_the_key(client, site):
    fetch(client, HTTP_ACCEPT_LANGUAGE="fr")
    assert fetch(client, HTTP_ACCEPT_LANGUAGE="fr")[0] == 0
    assert fetch(client, HTTP_ACCEPT_LANGUAGE="en")[0] > 0


def test_editing_the_newsletter_box_makes_the_next_request_fresh(client, site):
    """The box is read by GET on every article page: an edit (a new consent version above
    all) must reach the very next request, not wait for the cached answer to expire."""
    from newsletter.models import NewsletterSettings

    query = "{ newsletterBox { title consentVersion } }"
    assert get(client, query).json()["data"]["newsletterBox"]["title"] == (
        "Notre lettre d'information"
    )
    assert fetch(client, query)[0] == 0  # now served from the cache
    box = NewsletterSettings.for_site(site["home"].get_site())
    box.title_fr = "La lettre du soir"
    box.consent_version = "2026-11"
    box.save()
    assert get(client, query).json()["data"]["newsletterBox"] == {
        "title": "La lettre du soir",
        "consentVersion": "2026-11",
    }


def test_counted_rebuilds_add_up_their_cpu_time_for_the_peak_bench(client, site, settings):
    settings.KIOSQUE_CACHE = {**CACHE_OPTIONS, "COUNT_REBUILDS": True}
    cache = http_cache._cache()
    fetch(client, "{ sections { title } }")  # a first rebuild starts the counters
    rebuilds_before = cache.get(http_cache.REBUILDS_KEY)
    cpu_before = cache.get(http_cache.REBUILD_CPU_KEY)
    fetch(client)  # built and kept
    assert fetch(client)[0] == 0  # a hit: not a rebuild
    assert cache.get(http_cache.REBUILDS_KEY) == rebuilds_before + 1
    assert cache.get(http_cache.REBUILD_CPU_KEY) > cpu_before
