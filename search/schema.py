"""GraphQL `search`: a connection of live, public articles with score and highlighted excerpt."""

import graphene
from grapple.registry import registry

from cms import cursors
from cms.graphql.errors import client_error
from news import selectors as news_selectors
from news.models import ArticlePage
from news.schema import PageInfo, check_locale, check_page_size
from search import dependencies as search_dependencies
from search import services
from search.selectors import MAX_RESULTS, SearchInputError, search_articles
from search.text import clean_query


def _article_type():
    return registry.pages[ArticlePage]


class SearchEdge(graphene.ObjectType):
    cursor = graphene.String(required=True)
    score = graphene.Float(
        required=True, description="Relevance; comparable within one result list only."
    )
    excerpt = graphene.String(
        required=True,
        description="About 200 characters of HTML-escaped text with matched words in <mark>.",
    )
    promoted = graphene.Boolean(
        required=True, description="An editors' pick for this query (listed first)."
    )
    node = graphene.Field(graphene.NonNull(_article_type))


class SearchConnection(graphene.ObjectType):
    total_count = graphene.Int(
        required=True,
        description=(
            "Results listed: editors' picks plus the ranked matches (at most the ranking "
            "window's most recent matches; see totalCountIsExact)."
        ),
    )
    total_count_is_exact = graphene.Boolean(
        required=True,
        description=(
            "False when the query matched more articles than the ranking window: only the most "
            "recent matches are ranked and counted, there are older ones."
        ),
    )
    edges = graphene.NonNull(graphene.List(graphene.NonNull(SearchEdge)))
    page_info = graphene.NonNull(PageInfo)


def encode_cursor(position: int) -> str:
    return cursors.encode(["search", position])


def _position(payload) -> int:
    kind, position = payload
    if kind != "search" or not isinstance(position, int) or not 0 <= position < MAX_RESULTS:
        raise ValueError(payload)
    return position


def decode_cursor(cursor: str) -> int:
    return cursors.decode(cursor, _position)


def _check_slug(value: str | None, name: str) -> None:
    if value is not None and (len(value) > 255 or clean_query(value) != value):
        raise client_error("BAD_ARGUMENT", f"`{name}` is not a valid slug.")


class SearchQuery(graphene.ObjectType):
    search = graphene.Field(
        graphene.NonNull(SearchConnection),
        query=graphene.String(required=True),
        section=graphene.String(),
        topic=graphene.String(),
        first=graphene.Int(default_value=20),
        after=graphene.String(),
        locale=graphene.String(),
        description=(
            "Live, public articles matching every word of `query` (French stemming, accents and "
            "case ignored), editors' picks first, then by relevance."
        ),
    )

    @staticmethod
    def resolve_search(
        root, info, query, first=20, after=None, section=None, topic=None, locale=None
    ):
        first = check_page_size(first)
        news_selectors.use_edition(info, check_locale(locale))
        _check_slug(section, "section")
        _check_slug(topic, "topic")
        offset = decode_cursor(after) + 1 if after else 0
        try:
            results = search_articles(
                root_path=news_selectors.site_root(info),
                query=query,
                section=section,
                topic=topic,
            )
        except SearchInputError as exc:
            raise client_error("BAD_ARGUMENT", str(exc)) from exc
        search_dependencies.record_query(info, results.terms)
        hits = results.hits(offset, first, info=info)
        total = results.total_count
        if after is None and results.terms and total:
            services.record_search(results.query)
        edges = [
            {
                "cursor": encode_cursor(hit.position),
                "score": hit.score,
                "excerpt": hit.excerpt,
                "promoted": hit.promoted,
                "node": hit.article,
            }
            for hit in hits
        ]
        end = offset + first
        return {
            "total_count": total,
            "total_count_is_exact": results.total_count_is_exact,
            "edges": edges,
            "page_info": {
                "has_next_page": end < min(total, MAX_RESULTS),
                "end_cursor": edges[-1]["cursor"] if edges else None,
            },
        }
