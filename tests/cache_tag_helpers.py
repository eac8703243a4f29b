"""A small newsroom and the queries that read it, for the tag-invalidation tests: each query
is read through the cache (a hit rebuilds nothing) and without it (the truth to compare with)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.conf import settings
from django.test import override_settings

from cms.graphql import cache as http_cache
from tests.factories import (
    AuthorFactory,
    TopicFactory,
    dated,
    feature,
    make_article,
    make_section,
    make_site,
)

CARD = "edges { node { id title } } totalCount"
ARTICLE = "id title section { title slug } topics { name slug } authors { name }"


def queries(world) -> dict[str, str]:
    return {
        "sport": f'{{ articles(section: "sport", first: 2) {{ {CARD} }} }}',
        "sport-page-2": (
            f'{{ articles(section: "sport", first: 1, after: "{world["sport_cursor"]}") '
            f"{{ {CARD} }} }}"
        ),
        "culture": f'{{ articles(section: "culture") {{ {CARD} }} }}',
        "all": f"{{ articles(first: 10) {{ {CARD} }} }}",
        "topic-foot": f'{{ articles(topic: "foot") {{ {CARD} }} }}',
        "topic-cinema": f'{{ articles(topic: "cinema") {{ {CARD} }} }}',
        "author-alice": f'{{ articles(author: "alice") {{ {CARD} }} }}',
        "article-sport": f'{{ article(id: "{world["sport"].pk}") {{ {ARTICLE} }} }}',
        "article-culture": f'{{ article(id: "{world["culture"].pk}") {{ {ARTICLE} }} }}',
        "article-by-slug": '{ article(slug: "nouvelle") { title } }',
        "home": "{ home { featuredArticles { title } } }",
        "sections": "{ sections { title slug } }",
        "search-finale": '{ search(query: "finale") { totalCount edges { node { title } } } }',
        "search-festival": '{ search(query: "festival") { totalCount edges { node { title } } } }',
    }


def build_world() -> dict:
    home = make_site()
    sport = make_section(home, "Sport", menu_order=1)
    culture = make_section(home, "Culture", menu_order=2)
    foot = TopicFactory(name="Foot", slug="foot")
    cinema = TopicFactory(name="Cinéma", slug="cinema")
    alice = AuthorFactory(name="Alice", slug="alice")
    bob = AuthorFactory(name="Bob", slug="bob")
    old_sport = make_article(sport, "Match amical", published_at=dated(1), topics=[foot])
    sport_article = make_article(
        sport, "Finale", published_at=dated(2), topics=[foot], authors=[alice]
    )
    culture_article = make_article(
        culture, "Festival", published_at=dated(3), topics=[cinema], authors=[bob]
    )
    feature(home, culture_article)
    home.save_revision().publish()
    world = {
        "home": home,
        "sections": {"sport": sport, "culture": culture},
        "topics": {"foot": foot, "cinema": cinema},
        "authors": {"alice": alice, "bob": bob},
        "sport": sport_article,
        "old_sport": old_sport,
        "culture": culture_article,
    }
    from news.schema import encode_cursor

    world["sport_cursor"] = encode_cursor(sport_article)
    return world


def _get(client, query):
    return client.get("/graphql/?" + urlencode({"query": query}))


def read(client, query) -> tuple[bool, dict]:
    """(served from the cache, data) for a cached GET: served from the cache when the
    response cache rebuilt nothing for it."""
    before = http_cache.rebuilds
    response = _get(client, query)
    assert response.status_code == 200, response.content
    body = json.loads(response.content)
    assert "errors" not in body, body
    return http_cache.rebuilds == before, body["data"]


def truth(client, query) -> dict:
    """The answer built from the database, the cache switched off."""
    with override_settings(KIOSQUE_CACHE={**settings.KIOSQUE_CACHE, "ENABLED": False}):
        response = _get(client, query)
    return json.loads(response.content)["data"]


def warm(client, world) -> None:
    for query in queries(world).values():
        read(client, query)
