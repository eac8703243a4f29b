"""Root GraphQL fields for the newsroom: sections, one article, and the article listing.

Resolvers stay thin: they validate arguments, call a selector and shape the result.
"""

import graphene
from django.conf import settings
from grapple.registry import registry

from cms import cursors
from cms.cursors import MAX_PK
from cms.graphql.cache import mark_uncacheable
from cms.graphql.dependencies import record
from cms.graphql.errors import client_error
from cms.preview import page_from_token
from news import selectors
from news.dependencies import page, slug_lookup
from news.models import ArticlePage, SectionPage


def _article_type():
    return registry.pages[ArticlePage]


def _section_type():
    return registry.pages[SectionPage]


class PageInfo(graphene.ObjectType):
    has_next_page = graphene.Boolean(required=True)
    end_cursor = graphene.String()


class ArticleEdge(graphene.ObjectType):
    cursor = graphene.String(required=True)
    node = graphene.Field(graphene.NonNull(_article_type))


class ArticleConnection(graphene.ObjectType):
    edges = graphene.NonNull(graphene.List(graphene.NonNull(ArticleEdge)))
    page_info = graphene.NonNull(PageInfo)
    total_count = graphene.Int(
        required=True,
        description="Articles in the listing, counted up to a cap (see totalCountIsExact).",
    )
    total_count_is_exact = graphene.Boolean(
        required=True, description="False when the count stopped at the cap: there are more."
    )

    @staticmethod
    def resolve_total_count(connection, info):
        return _bounded_count(connection)[0]

    @staticmethod
    def resolve_total_count_is_exact(connection, info):
        return _bounded_count(connection)[1]


def _bounded_count(connection) -> tuple[int, bool]:
    """Count at most the cap, once per connection: a full COUNT grew with the archive (134 ms
    at 100,000 articles), a bounded one stops after the cap's rows."""
    if "count" not in connection:
        cap = settings.KIOSQUE.get("TOTAL_COUNT_CAP", 1000)
        # Unordered: any cap + 1 rows will do, so the database may start from the cheapest
        # side (a common topic's links rather than the date index walked until the cap).
        found = connection["queryset"]().order_by()[: cap + 1].count()
        connection["count"] = (min(found, cap), found <= cap)
    return connection["count"]


def encode_cursor(article: ArticlePage) -> str:
    return cursors.encode_position(article.published_at, article.pk)


def parse_pk(value) -> int | None:
    """A primary key from client input, or None when it cannot name a row."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 1 <= pk <= MAX_PK else None


def check_text_args(**args: str | None) -> None:
    """PostgreSQL cannot compare text containing NUL; answer with a client error, not a crash."""
    for name, value in args.items():
        if value is not None and "\x00" in value:
            raise client_error("BAD_ARGUMENT", f"`{name}` must not contain NUL characters.")


def check_page_size(first: int | None, *, maximum: int | None = None) -> int:
    if first is None:
        # An explicit `first: null` means "the default", not a crash.
        return settings.KIOSQUE["DEFAULT_PAGE_SIZE"]
    maximum = maximum or settings.KIOSQUE["MAX_PAGE_SIZE"]
    if not 1 <= first <= maximum:
        raise client_error("BAD_ARGUMENT", f"`first` must be between 1 and {maximum}.")
    return first


def check_locale(locale: str | None) -> str | None:
    if locale is None:
        return None
    codes = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
    if locale not in codes:
        raise client_error("BAD_ARGUMENT", f"Unknown locale; use one of: {', '.join(codes)}.")
    return locale


def paginate_articles(info, *, first: int, after: str | None, **filters) -> dict:
    first = check_page_size(first)
    position = cursors.decode_position(after) if after else None
    rows = selectors.listing_page(info, first=first + 1, position=position, **filters)
    has_next = len(rows) > first
    rows = selectors.prepare_articles(rows[:first], info=info)
    edges = [{"cursor": encode_cursor(a), "node": a} for a in rows]
    return {
        "edges": edges,
        "page_info": {
            "has_next_page": has_next,
            "end_cursor": edges[-1]["cursor"] if edges else None,
        },
        # Built only when `totalCount` is asked for.
        "queryset": lambda: selectors.articles_for_request(info, listing=True, **filters),
    }


class NewsQuery(graphene.ObjectType):
    sections = graphene.NonNull(
        graphene.List(graphene.NonNull(_section_type)),
        locale=graphene.String(),
        description="Live sections, menu order.",
    )
    section = graphene.Field(
        _section_type, slug=graphene.String(required=True), locale=graphene.String()
    )
    article = graphene.Field(
        _article_type,
        url_path=graphene.String(),
        slug=graphene.String(),
        id=graphene.ID(),
        locale=graphene.String(),
        token=graphene.String(description="A preview token: returns the draft it was made for."),
        description="One live, public article by path, slug or id; or a draft by preview token.",
    )
    articles = graphene.Field(
        graphene.NonNull(ArticleConnection),
        section=graphene.String(),
        topic=graphene.String(),
        author=graphene.String(),
        first=graphene.Int(default_value=20),
        after=graphene.String(),
        locale=graphene.String(description="Edition language code (fr, en); default: fr."),
        description="Live, public articles, newest first (published date, then id).",
    )

    @staticmethod
    def resolve_sections(root, info, locale=None):
        selectors.use_edition(info, check_locale(locale))
        return list(selectors.sections_for_request(info).order_by("menu_order", "title"))

    @staticmethod
    def resolve_section(root, info, slug, locale=None):
        check_text_args(slug=slug)
        selectors.use_edition(info, check_locale(locale))
        return selectors.sections_for_request(info).filter(slug=slug).first()

    @staticmethod
    def resolve_article(
        root,
        info,
        url_path=None,
        slug=None,
        id=None,
        locale=None,
        token=None,  # noqa: A002
    ):
        selectors.use_edition(info, check_locale(locale))
        given = [arg for arg in (url_path, slug, id, token) if arg is not None]
        if len(given) != 1:
            raise client_error("BAD_ARGUMENT", "Give exactly one of urlPath, slug, id or token.")
        check_text_args(urlPath=url_path, slug=slug)
        if token is not None:
            # A draft stays behind its token: never stored, checked on every request.
            mark_uncacheable(info.context)
            draft = page_from_token(token, model=ArticlePage)
            selectors.use_edition(info, draft.locale.language_code)
            return selectors.prepare_articles([draft], info=info)[0]
        pk = None
        if id is not None:
            pk = parse_pk(id)  # None beyond a bigint, which PostgreSQL would refuse
            if pk is None:
                return None
        # Found or not (yet), the answer changes when an article with that id or slug does.
        record(info.context, page(pk) if pk is not None else slug_lookup(slug or url_path))
        return selectors.article_by(info=info, url_path=url_path, slug=slug, pk=pk)

    @staticmethod
    def resolve_articles(
        root, info, first=20, after=None, section=None, topic=None, author=None, locale=None
    ):
        check_text_args(section=section, topic=topic, author=author)
        selectors.use_edition(info, check_locale(locale))
        return paginate_articles(
            info, first=first, after=after, section=section, topic=topic, author=author
        )
