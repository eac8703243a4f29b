"""CDN tags: cacheable answers name what they were built from in the header the configured
CDN reads, and a change purges exactly its tags through that CDN's API. The purge requests are
recorded, never sent."""

import json
from urllib.parse import urlencode

import pytest

from cms.graphql import cdn
from news.models import ArticlePage
from tests.factories import dated, make_article, make_section, make_site

QUERY = '{ articles(section: "monde") { edges { node { title } } } }'
URL = "/graphql/?" + urlencode({"query": QUERY})
FASTLY = {"BACKEND": "fastly", "SERVICE_ID": "svc1", "API_TOKEN": "secret"}
CLOUDFLARE = {"BACKEND": "cloudflare", "ZONE_ID": "zone9", "API_TOKEN": "jeton"}
VARNISH = {"BACKEND": "varnish", "URLS": ["http://10.0.0.5:6081/", "http://10.0.0.6:6081/"]}


@pytest.fixture
def newsroom(db):
    home = make_site()
    monde = make_section(home, "Monde")
    culture = make_section(home, "Culture", menu_order=2)
    article = make_article(monde, "Premier", published_at=dated(1))
    return {"monde": monde, "culture": culture, "article": article}


@pytest.fixture
def purge_errors(monkeypatch):
    """The purge failures logged, read from the module's logger itself: what other tests did
    to the logging configuration (levels, handlers) does not hide them."""
    logged = []
    monkeypatch.setattr(
        cdn.logger, "exception", lambda message, *args: logged.append(message % args)
    )
    return logged


@pytest.fixture
def purges(monkeypatch):
    sent = []
    monkeypatch.setattr(cdn, "transport", lambda *request: sent.append(request) or 200)
    return sent


@pytest.mark.parametrize(
    ("config", "header", "separator"),
    [(FASTLY, "Surrogate-Key", " "), (CLOUDFLARE, "Cache-Tag", ","), (VARNISH, "xkey", " ")],
)
def test_answers_carry_their_tags_in_the_cdn_header(client, newsroom, settings, config, header,
                                                    separator):  # fmt: skip
    settings.KIOSQUE_CDN = config
    built, hit = client.get(URL), client.get(URL)
    tags = set(built[header].split(separator))
    assert {f"page:{newsroom['article'].pk}", "list:section:monde", "all"} <= tags
    assert "list:section:culture" not in tags
    # A cache hit names the same tags as the answer it keeps.
    assert hit[header] == built[header]


def test_without_a_cdn_no_tag_header_and_no_purge(
    client, newsroom, settings, purges, django_capture_on_commit_callbacks
):
    settings.KIOSQUE_CDN = {}
    response = client.get(URL)
    assert not any(response.has_header(h) for h in cdn.HEADERS.values())
    with django_capture_on_commit_callbacks(execute=True):
        make_article(newsroom["monde"], "Deuxième", published_at=dated(2))
    assert purges == []


def test_a_publish_purges_its_tags_at_fastly(
    newsroom, settings, purges, django_capture_on_commit_callbacks
):
    settings.KIOSQUE_CDN = FASTLY
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(newsroom["monde"], "Deuxième", published_at=dated(2))
    assert purges, "nothing purged"
    keys = set()
    # The article's tags and the search words of its text go out as separate purges.
    for method, url, headers, body in purges:
        assert (method, url, body) == ("POST", "https://api.fastly.com/service/svc1/purge", None)
        assert headers["Fastly-Key"] == "secret"
        keys |= set(headers["Surrogate-Key"].split(" "))
    assert {f"page:{article.pk}", "list:section:monde", "list:all", "any"} <= keys
    # Search answers for the words of its title are purged too, and only those: not `search`.
    from search.dependencies import term_tag
    from search.text import terms

    assert term_tag(terms("Deuxième")[0]) in keys and "search" not in keys
    assert "list:section:culture" not in keys and "all" not in keys


def test_a_publish_purges_its_tags_at_cloudflare_in_batches_of_thirty(
    newsroom, settings, purges, django_capture_on_commit_callbacks
):
    settings.KIOSQUE_CDN = CLOUDFLARE
    with django_capture_on_commit_callbacks(execute=True):
        article = ArticlePage.objects.get(pk=newsroom["article"].pk)
        article.title = "Corrigé"
        article.save_revision().publish()
    assert purges
    for method, url, headers, body in purges:
        assert method == "POST"
        assert url == "https://api.cloudflare.com/client/v4/zones/zone9/purge_cache"
        assert headers["Authorization"] == "Bearer jeton"
        assert len(json.loads(body)["tags"]) <= 30
    tags = {tag for *_rest, body in purges for tag in json.loads(body)["tags"]}
    assert f"page:{article.pk}" in tags
    requests = cdn.purge_requests(f"page:{n}" for n in range(70))
    assert [len(json.loads(r[3])["tags"]) for r in requests] == [30, 30, 10]


def test_a_change_purges_its_tags_at_every_varnish(
    newsroom, settings, purges, django_capture_on_commit_callbacks
):
    settings.KIOSQUE_CDN = VARNISH
    with django_capture_on_commit_callbacks(execute=True):
        ArticlePage.objects.get(pk=newsroom["article"].pk).unpublish()
    urls = {url for method, url, _headers, _body in purges if method == "PURGE"}
    assert urls == set(VARNISH["URLS"])
    keys = {key for purge in purges for key in purge[2]["xkey-purge"].split(" ")}
    assert {f"page:{newsroom['article'].pk}", "list:section:monde"} <= keys


def test_a_cdn_outage_does_not_fail_the_publish(
    newsroom, settings, monkeypatch, django_capture_on_commit_callbacks, purge_errors
):
    settings.KIOSQUE_CDN = FASTLY

    def down(*request):
        raise OSError("connection refused")

    monkeypatch.setattr(cdn, "transport", down)
    with django_capture_on_commit_callbacks(execute=True):
        make_article(newsroom["monde"], "Deuxième", published_at=dated(2))
    assert any("CDN purge by tag failed" in message for message in purge_errors)


@pytest.mark.parametrize("config", [FASTLY, CLOUDFLARE, VARNISH], ids=["fastly", "cf", "varnish"])
def test_a_tag_header_never_outgrows_what_the_cdn_keeps(settings, config):
    # Fastly and Cloudflare keep 16 KB of tags and drop the rest silently; Varnish refuses a
    # header line past 8 KB (http_resp_hdr_len). An answer over a few sections' worth of
    # articles names thousands of tags: the ones dropped would never purge it.
    settings.KIOSQUE_CDN = {**config, "TAG_PREFIX": "prod-"}
    many = {f"page:{n}" for n in range(100_000, 102_000)} | {"all", "list:section:monde"}
    value = cdn.header_value(many)
    assert len(value.encode()) <= cdn.HEADER_BYTES
    # In their place, the two tags every change and every bulk write purge: never stale.
    assert set(value.split(cdn.SEPARATORS[config["BACKEND"]])) == {"prod-all", "prod-any"}


def test_an_answer_whose_tags_are_too_many_is_purged_by_any_change(
    client, newsroom, settings, purges, django_capture_on_commit_callbacks
):
    settings.KIOSQUE_CDN = {**FASTLY, "HEADER_BYTES": 20}  # this answer's tags overflow it
    assert set(client.get(URL)["Surrogate-Key"].split(" ")) == {"all", "any"}
    with django_capture_on_commit_callbacks(execute=True):
        make_article(newsroom["culture"], "Ailleurs", published_at=dated(2))
    assert "any" in {k for *_, headers, _body in purges for k in headers["Surrogate-Key"].split()}
    # An answer whose tags fit keeps them all.
    settings.KIOSQUE_CDN = FASTLY
    assert f"page:{newsroom['article'].pk}" in client.get(URL)["Surrogate-Key"].split(" ")


def test_a_cdn_that_hangs_costs_one_timeout_per_address_not_one_per_batch(
    settings, monkeypatch, purge_errors
):
    from tests.redis_helpers import HangingListener

    hanging, refusing = HangingListener(), HangingListener()
    refusing.close()  # nothing listens there any more: connections are refused
    settings.KIOSQUE_CDN = {
        "BACKEND": "varnish",
        "URLS": [f"http://127.0.0.1:{hanging.port}/", f"http://127.0.0.1:{refusing.port}/"],
    }
    monkeypatch.setattr(cdn, "TIMEOUT", 0.2)
    tags = [f"search:{n}" for n in range(350)]  # four batches of 100 for each address
    try:
        cdn.purge_tags(tags)  # the real transport, on loopback
    finally:
        hanging.close()
    # The first request to each address failed: the other three batches were not tried.
    assert len(hanging.accepted) == 1
    failures = [message for message in purge_errors if "CDN purge by tag failed" in message]
    assert len(failures) == 2
    assert all("350 tags not purged" in message for message in failures)


def test_an_error_status_does_not_stop_the_other_batches(settings, monkeypatch, purge_errors):
    import urllib.error

    settings.KIOSQUE_CDN = FASTLY
    sent = []

    def rate_limited_once(method, url, headers, body):
        sent.append(headers["Surrogate-Key"].split(" "))
        if len(sent) == 1:
            raise urllib.error.HTTPError(url, 429, "Too Many Requests", {}, None)
        return 200

    monkeypatch.setattr(cdn, "transport", rate_limited_once)
    cdn.purge_tags([f"search:{n}" for n in range(600)] + ["any", "all"])
    # An answer is not an outage: every batch is tried, and the tags every change purges (the
    # fallback header's) go first.
    assert len(sent) == 3
    assert {"any", "all"} <= set(sent[0])
    assert any("256 tags not purged" in message for message in purge_errors)
