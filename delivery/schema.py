"""Root fields for apps and frontends: the change feed, redirects and previews."""

from datetime import UTC

import graphene
from django.conf import settings
from django.db.models import Q

from cms import cursors, keyset
from cms.cursors import MAX_PK
from cms.graphql.cache import mark_uncacheable
from cms.graphql.errors import client_error
from delivery import selectors as feed_selectors
from news import selectors, visibility
from news.schema import check_locale, check_page_size, check_text_args


class ChangeKindEnum(graphene.Enum):
    class Meta:
        name = "ChangeKind"

    UPSERT = "UPSERT"
    DELETE = "DELETE"


class ChangeEntry(graphene.ObjectType):
    id = graphene.ID(required=True, description="The article or section id.")
    content_type = graphene.String(
        required=True, description="news.ArticlePage or news.SectionPage"
    )
    kind = graphene.Field(graphene.NonNull(ChangeKindEnum))
    updated_at = graphene.DateTime(required=True)
    node = graphene.Field(
        lambda: _page_interface(),
        description=(
            "UPSERT only: the article (same fields as in `articles`) or section as the API "
            "shows it now. Null on DELETE."
        ),
    )

    @staticmethod
    def resolve_id(entry, info):
        return str(entry.object_id)

    @staticmethod
    def resolve_node(entry, info):
        return entry.node if entry.kind == "UPSERT" else None


class ChangeFeed(graphene.ObjectType):
    entries = graphene.NonNull(graphene.List(graphene.NonNull(ChangeEntry)))
    next_cursor = graphene.String(
        required=True, description="Pass as `since` next time; store it once applied."
    )
    has_more = graphene.Boolean(required=True)


CURSOR_PREFIX = "chg2"
RESYNC_MESSAGE = (
    "This cursor was issued by another copy of the feed (a restore, a rebuild, another "
    "environment) or is older than the retained deletions; drop local content and sync again "
    "from the start (no `since`)."
)


def encode_change_cursor(position: feed_selectors.Position) -> str:
    text = ":".join(
        [CURSOR_PREFIX, position.generation, str(position.handover), position.phase,
         str(position.after)]
    )  # fmt: skip
    return cursors.encode_text(text)


def _change_position(text: str) -> feed_selectors.Position:
    if text.startswith("chg:") and 0 <= int(text[4:]) <= MAX_PK:
        # Issued before cursors carried the feed's generation: cannot be checked, so refused.
        raise client_error("RESYNC_REQUIRED", RESYNC_MESSAGE)
    prefix, generation, handover, phase, after = text.split(":")
    if prefix != CURSOR_PREFIX or phase not in feed_selectors.PHASES or not generation:
        raise ValueError(text)
    position = feed_selectors.Position(generation, int(handover), phase, int(after))
    if not (0 <= position.handover <= MAX_PK and 0 <= position.after <= MAX_PK):
        raise ValueError(text)
    return position


def decode_change_cursor(cursor: str) -> feed_selectors.Position:
    return cursors.decode_text(
        cursor, _change_position, message="The cursor is not valid; resync from the start."
    )


def feed_page_size() -> int:
    """Largest `first` of `changes` (KIOSQUE_MAX_FEED_PAGE_SIZE)."""
    return int(settings.KIOSQUE.get("MAX_FEED_PAGE_SIZE", settings.KIOSQUE["MAX_PAGE_SIZE"]))


def changes(
    info, *, since: str | None, first: int, locale: str | None, section: str | None = None
) -> dict:
    first = check_page_size(first, maximum=feed_page_size())
    check_text_args(section=section)
    selectors.use_edition(info, check_locale(locale))
    root_path = selectors.site_root(info)
    position = decode_change_cursor(since) if since else None
    generation, pruned = feed_selectors.feed_state()
    if position is not None and (position.generation != generation or position.handover < pruned):
        raise client_error("RESYNC_REQUIRED", RESYNC_MESSAGE)
    if position is None:
        position = feed_selectors.start(generation, pruned)
    if root_path is None:
        return {"entries": [], "next_cursor": encode_change_cursor(position), "has_more": False}
    section_path = None
    if section is not None:
        section_path = feed_selectors.section_path(info, section)
        if section_path is None:
            raise client_error("BAD_ARGUMENT", "Unknown section for this edition.")
    entries, position, has_more = feed_selectors.page_of_changes(
        info, position, first=first, section=section, section_path=section_path
    )
    return {
        "entries": entries,
        "next_cursor": encode_change_cursor(position),
        "has_more": has_more,
    }


class RedirectType(graphene.ObjectType):
    class Meta:
        name = "Redirect"

    id = graphene.ID(required=True)
    old_path = graphene.String(required=True)
    target = graphene.String(required=True, description="A site path or an absolute URL.")
    is_permanent = graphene.Boolean(required=True)
    updated_at = graphene.DateTime(required=True)


class RedirectEdge(graphene.ObjectType):
    cursor = graphene.String(required=True)
    node = graphene.Field(graphene.NonNull(RedirectType))


class RedirectPageInfo(graphene.ObjectType):
    class Meta:
        name = "RedirectPageInfo"

    has_next_page = graphene.Boolean(required=True)
    end_cursor = graphene.String()


class RedirectConnection(graphene.ObjectType):
    edges = graphene.NonNull(graphene.List(graphene.NonNull(RedirectEdge)))
    page_info = graphene.NonNull(RedirectPageInfo)


def _encode_redirect_cursor(stamp) -> str:
    return cursors.encode_position(stamp.updated_at, stamp.redirect_id)


def redirects(info, *, first: int, after: str | None, updated_since) -> dict:
    from wagtail.models import Page

    from delivery.models import RedirectStamp

    first = check_page_size(first)
    selectors.use_edition(info, None)
    site = selectors.site_for(info)
    root_path = selectors.site_root(info)
    if site is None or root_path is None:
        return {"edges": [], "page_info": {"has_next_page": False, "end_cursor": None}}
    if updated_since is not None and updated_since.tzinfo is None:
        raise client_error("BAD_ARGUMENT", "`updatedSince` needs a time zone offset.")
    if updated_since is not None:
        try:
            updated_since.astimezone(UTC)
        except OverflowError:
            raise client_error("BAD_ARGUMENT", "`updatedSince` is out of range.") from None
    # Internal targets only when live and public on this site (any of its editions).
    # ... and under a section that is live, public and on schedule too.
    private = selectors.private_paths(info)
    public_pages = visibility.under_visible_sections(
        visibility.exclude_scheduled(visibility.without_private(Page.objects.live(), private)),
        selectors.edition_root_paths(info),
        private,
    )
    qs = RedirectStamp.objects.filter(
        Q(redirect__site__isnull=True) | Q(redirect__site=site),
        Q(redirect__redirect_page__isnull=True, redirect__redirect_link__gt="")
        | Q(redirect__redirect_page__in=public_pages.values("pk")),
    )
    if updated_since is not None:
        qs = qs.filter(updated_at__gte=updated_since)
    if after:
        stamp, pk = cursors.decode_position(after)
        qs = qs.filter(keyset.after(("updated_at", "redirect_id"), (stamp, pk)))
    rows = list(
        qs.select_related("redirect", "redirect__redirect_page").order_by(
            "updated_at", "redirect_id"
        )[: first + 1]
    )
    has_next = len(rows) > first
    edges = []
    for stamp in rows[:first]:
        redirect = stamp.redirect
        if redirect.redirect_page_id:
            parts = redirect.redirect_page.get_url_parts(request=info.context)
            if parts is None:
                continue
            target = parts[2]
        else:
            target = redirect.redirect_link
        node = RedirectType(
            id=str(redirect.pk),
            old_path=redirect.old_path,
            target=target,
            is_permanent=redirect.is_permanent,
            updated_at=stamp.updated_at,
        )
        edges.append({"cursor": _encode_redirect_cursor(stamp), "node": node})
    end = _encode_redirect_cursor(rows[min(first, len(rows)) - 1]) if rows else None
    return {"edges": edges, "page_info": {"has_next_page": has_next, "end_cursor": end}}


def _page_interface():
    from grapple.types.interfaces import get_page_interface

    return get_page_interface()


class DeliveryQuery(graphene.ObjectType):
    preview = graphene.Field(
        _page_interface,
        token=graphene.String(required=True),
        description="The draft (article, section or home page) a preview token was made for.",
    )
    changes = graphene.Field(
        graphene.NonNull(ChangeFeed),
        since=graphene.String(description="The `nextCursor` of the previous call; none at first."),
        first=graphene.Int(
            default_value=100,
            description="Entries per page: up to 250 unless configured otherwise, more than "
            "`articles` serves, for fewer round trips in a first sync.",
        ),
        locale=graphene.String(description="Edition language code; default: the site's (fr)."),
        section=graphene.String(description="Only this section (slug) and its articles."),
        description=(
            "Without `since`: every live, public section and article, read from the pages, then "
            "what changed after. With `since`: what changed since, the latest state of each."
        ),
    )
    redirects = graphene.Field(
        graphene.NonNull(RedirectConnection),
        first=graphene.Int(default_value=100),
        after=graphene.String(),
        updated_since=graphene.DateTime(),
        description="This site's redirects, oldest change first.",
    )

    @staticmethod
    def resolve_preview(root, info, token):
        from cms.preview import page_from_token
        from news.models import ArticlePage

        # A draft stays behind its token: never stored, checked on every request.
        mark_uncacheable(info.context)
        page = page_from_token(token)
        selectors.use_edition(info, page.locale.language_code)
        if isinstance(page, ArticlePage):
            selectors.prepare_articles([page], info=info)
        return page

    @staticmethod
    def resolve_changes(root, info, first=100, since=None, locale=None, section=None):
        return changes(info, since=since, first=first, locale=locale, section=section)

    @staticmethod
    def resolve_redirects(root, info, first=100, after=None, updated_since=None):
        return redirects(info, first=first, after=after, updated_since=updated_since)
