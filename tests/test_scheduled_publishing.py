"""go_live_at and expire_at: the API follows the clock even before Wagtail's scheduler runs."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from news.models import ArticlePage
from tests.factories import make_article, make_section, make_site

ARTICLES = "{ articles { edges { node { id } } } }"
ONE = "query($slug: String) { article(slug: $slug) { id } }"
FEED = """query($since: String) {
  changes(since: $since) { entries { id contentType kind } nextCursor }
}"""


@pytest.fixture
def monde(db):
    return make_section(make_site(), "Monde")


def listed(gql):
    return {int(e["node"]["id"]) for e in gql.data(ARTICLES)["articles"]["edges"]}


def article_kind(gql, pk, since=None):
    entries = gql.data(FEED, {"since": since})["changes"]["entries"]
    found = [
        e["kind"] for e in entries if e["contentType"] == "news.ArticlePage" and int(e["id"]) == pk
    ]
    return found[0] if found else None


@pytest.mark.django_db
def test_an_embargoed_article_appears_only_once_its_go_live_time_has_passed(gql, monde, clock):
    article = make_article(monde, "Sous embargo", live=False)
    article.go_live_at = clock.now + timedelta(hours=1)
    article.save_revision().publish()
    assert article.pk not in listed(gql)
    assert gql.data(ONE, {"slug": article.slug})["article"] is None

    clock.advance(minutes=59)
    call_command("run_worker", "--once", verbosity=0)
    assert article.pk not in listed(gql)
    assert article_kind(gql, article.pk) is None

    clock.advance(minutes=2)
    call_command("run_worker", "--once", verbosity=0)
    assert article.pk in listed(gql)
    assert article_kind(gql, article.pk) == "UPSERT"


@pytest.mark.django_db
def test_an_expired_article_disappears_before_the_scheduler_runs(gql, monde, clock):
    article = make_article(monde, "Éphémère", live=False)
    article.expire_at = clock.now + timedelta(hours=1)
    article.save_revision().publish()
    assert article.pk in listed(gql)
    # An app that synced while the article was public; a first sync carries no DELETE.
    held = gql.data(FEED)["changes"]["nextCursor"]

    clock.advance(hours=1, seconds=1)
    # Wagtail still has the page live: only the API's own clock check hides it.
    assert ArticlePage.objects.get(pk=article.pk).live is True
    assert article.pk not in listed(gql)
    assert gql.data(ONE, {"slug": article.slug})["article"] is None

    call_command("run_worker", "--once", verbosity=0)
    assert ArticlePage.objects.get(pk=article.pk).live is False
    assert article_kind(gql, article.pk, since=held) == "DELETE"


@pytest.mark.django_db
def test_a_live_page_with_a_future_go_live_is_hidden(gql, monde, clock):
    article = make_article(monde, "Mal programmé")
    ArticlePage.objects.filter(pk=article.pk).update(go_live_at=clock.now + timedelta(days=1))
    assert article.pk not in listed(gql)


@pytest.mark.django_db
def test_an_expired_section_hides_its_articles(gql, monde, clock):
    article = make_article(monde, "Dans une rubrique éphémère")
    monde.expire_at = clock.now + timedelta(minutes=5)
    monde.save_revision().publish()
    assert article.pk in listed(gql)
    clock.advance(minutes=6)
    assert article.pk not in listed(gql)
    assert gql.data("{ sections { id } }")["sections"] == []
