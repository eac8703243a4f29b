"""Root GraphQL fields for the newsroom: home, sections, one article, and the article listing.

Resolvers stay thin: they validate arguments, call a selector and shape the result.
"""

import base64
import binascii
import json
from datetime import datetime

import graphene
from django.conf import settings
from grapple.registry import registry

from cms.graphql.errors import client_error
from home.models import HomePage
from news import selectors
from news.models import ArticlePage, SectionPage


def _article_type():
    return registry.pages[ArticlePage]


def _section_type():
    return registry.pages[SectionPage]


def _home_type():
    return registry.pages[HomePage]


class PageInfo(graphene.ObjectType):
    has_next_page = graphene.Boolean(required=True)
    end_cursor = graphene.String()


class ArticleEdge(graphene.ObjectType):
    cursor = graphene.String(required=True)
    node = graphene.Field(graphene.NonNull(_article_type))


class ArticleConnection(graphene.ObjectType):
    edges = graphene.NonNull(graphene.List(graphene.NonNull(ArticleEdge)))
    page_info = graphene.NonNull(PageInfo)
    total_count = graphene.Int(required=True)

    @staticmethod
    def resolve_total_count(connection, info):
        return connection["queryset"].count()


MAX_DB_ID = 2**63 - 1


def encode_cursor(article: ArticlePage) -> str:
    raw = json.dumps([article.published_at.isoformat(), article.pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        published, pk = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        published_at = datetime.fromisoformat(published)
        if not isinstance(pk, int) or not 1 <= pk <= MAX_DB_ID or published_at.tzinfo is None:
            raise ValueError
        return published_at, pk
    except (ValueError, TypeError, UnicodeError, binascii.Error, json.JSONDecodeError) as exc:
        raise client_error(
            "BAD_CURSOR", "The cursor is not valid; start again without one."
        ) from exc


def check_page_size(first: int | None) -> int:
    if first is None:  # an explicit `first: null` means the default
        return settings.KIOSQUE["DEFAULT_PAGE_SIZE"]
    maximum = settings.KIOSQUE["MAX_PAGE_SIZE"]
    if not 1 <= first <= maximum:
        raise client_error("BAD_ARGUMENT", f"`first` must be between 1 and {maximum}.")
    return first


def paginate_articles(qs, *, first: int, after: str | None, info) -> dict:
    from django.db.models import Q

    first = check_page_size(first)
    page_qs = qs
    if after:
        published_at, pk = decode_cursor(after)
        page_qs = qs.filter(
            Q(published_at__lt=published_at) | Q(published_at=published_at, pk__lt=pk)
        )
    rows = list(selectors.with_article_data(page_qs)[: first + 1])
    has_next = len(rows) > first
    rows = selectors.prepare_articles(rows[:first], info=info)
    edges = [{"cursor": encode_cursor(a), "node": a} for a in rows]
    return {
        "edges": edges,
        "page_info": {
            "has_next_page": has_next,
            "end_cursor": edges[-1]["cursor"] if edges else None,
        },
        "queryset": qs,
    }


class NewsQuery(graphene.ObjectType):
    home = graphene.Field(_home_type, description="The requesting site's home page.")
    sections = graphene.NonNull(
        graphene.List(graphene.NonNull(_section_type)), description="Live sections, menu order."
    )
    section = graphene.Field(_section_type, slug=graphene.String(required=True))
    article = graphene.Field(
        _article_type,
        url_path=graphene.String(),
        slug=graphene.String(),
        id=graphene.ID(),
        description="One live, public article by path, slug or id.",
    )
    articles = graphene.Field(
        graphene.NonNull(ArticleConnection),
        section=graphene.String(),
        topic=graphene.String(),
        author=graphene.String(),
        first=graphene.Int(default_value=20),
        after=graphene.String(),
        description="Live, public articles, newest first (published date, then id).",
    )

    @staticmethod
    def resolve_home(root, info):
        return selectors.public_home(info=info)

    @staticmethod
    def resolve_sections(root, info):
        return list(
            selectors.published_sections(root_path=selectors.site_root(info)).order_by(
                "menu_order", "title"
            )
        )

    @staticmethod
    def resolve_section(root, info, slug):
        root_path = selectors.site_root(info)
        return selectors.published_sections(root_path=root_path).filter(slug=slug).first()

    @staticmethod
    def resolve_article(root, info, url_path=None, slug=None, id=None):  # noqa: A002
        given = [arg for arg in (url_path, slug, id) if arg is not None]
        if len(given) != 1:
            raise client_error("BAD_ARGUMENT", "Give exactly one of urlPath, slug or id.")
        pk = None
        if id is not None:
            try:
                pk = int(id)
            except ValueError:
                return None
            if not 1 <= pk <= MAX_DB_ID:  # beyond a bigint, PostgreSQL raises
                return None
        return selectors.article_by(info=info, url_path=url_path, slug=slug, pk=pk)

    @staticmethod
    def resolve_articles(root, info, first=20, after=None, section=None, topic=None, author=None):
        qs = selectors.published_articles(
            root_path=selectors.site_root(info), section=section, topic=topic, author=author
        )
        return paginate_articles(qs, first=first, after=after, info=info)
