"""Root fields for apps and frontends: the change feed, redirects and previews."""

import base64
import binascii
import json
from datetime import UTC, datetime

import graphene
from django.db.models import Q

from cms import keyset
from cms.graphql.cache import mark_uncacheable
from cms.graphql.errors import client_error
from delivery.models import ChangeLog, FeedState
from news import selectors
from news.schema import MAX_PK, check_locale, check_page_size


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

    @staticmethod
    def resolve_id(entry, info):
        return str(entry.object_id)


class ChangeFeed(graphene.ObjectType):
    entries = graphene.NonNull(graphene.List(graphene.NonNull(ChangeEntry)))
    next_cursor = graphene.String(
        required=True, description="Pass as `since` next time; store it once applied."
    )
    has_more = graphene.Boolean(required=True)


CURSOR_PREFIX = "chg:"


def encode_change_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{seq}".encode()).decode().rstrip("=")


def decode_change_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode("ascii"))
        text = raw.decode()
        if not text.startswith(CURSOR_PREFIX):
            raise ValueError
        seq = int(text[len(CURSOR_PREFIX) :])
        if not 0 <= seq <= MAX_PK:
            raise ValueError
        return seq
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise client_error(
            "BAD_CURSOR", "The cursor is not valid; resync from the start."
        ) from exc


def changes(info, *, since: str | None, first: int, locale: str | None) -> dict:
    first = check_page_size(first)
    selectors.use_edition(info, check_locale(locale))
    root_path = selectors.site_root(info)
    after = decode_change_cursor(since) if since else 0
    pruned = FeedState.objects.filter(pk=1).values_list("pruned_through", flat=True).first()
    if after and after < (pruned or 0):
        raise client_error(
            "RESYNC_REQUIRED",
            "This cursor is older than the retained deletions; drop local content and "
            "replay the feed from the start (no `since`).",
        )
    if root_path is None:
        return {"entries": [], "next_cursor": encode_change_cursor(after), "has_more": False}
    rows = list(
        ChangeLog.objects.filter(root_path=root_path, id__gt=after).order_by("id")[: first + 1]
    )
    has_more = len(rows) > first
    rows = rows[:first]
    last = rows[-1].id if rows else after
    return {"entries": rows, "next_cursor": encode_change_cursor(last), "has_more": has_more}


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
    raw = json.dumps([stamp.updated_at.isoformat(), stamp.redirect_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_redirect_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode("ascii"))
        stamp, pk = json.loads(raw)
        updated_at = datetime.fromisoformat(stamp)
        # bool is an int subclass; ids past 64 bits would fail inside the database.
        if not isinstance(pk, int) or isinstance(pk, bool) or not 1 <= pk <= MAX_PK:
            raise ValueError
        if updated_at.tzinfo is None:
            raise ValueError
        updated_at.astimezone(UTC)  # OverflowError for a date the database cannot hold
        return updated_at, pk
    # RecursionError: a cursor of deeply nested JSON arrays.
    except (
        ValueError,
        TypeError,
        OverflowError,
        UnicodeError,
        RecursionError,
        binascii.Error,
    ) as exc:
        raise client_error(
            "BAD_CURSOR", "The cursor is not valid; start again without one."
        ) from exc


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
    public_pages = selectors.under_visible_sections(
        selectors.exclude_scheduled(selectors.without_private(Page.objects.live(), private)),
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
        stamp, pk = _decode_redirect_cursor(after)
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
        first=graphene.Int(default_value=100),
        locale=graphene.String(description="Edition language code; default: the site's (fr)."),
        description="Articles and sections that changed since a cursor: the latest state of each.",
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
        from delivery.preview import page_from_token
        from news.models import ArticlePage

        # A draft stays behind its token: never stored, checked on every request.
        mark_uncacheable(info.context)
        page = page_from_token(token)
        selectors.use_edition(info, page.locale.language_code)
        if isinstance(page, ArticlePage):
            selectors.prepare_articles([page], info=info)
        return page

    @staticmethod
    def resolve_changes(root, info, first=100, since=None, locale=None):
        return changes(info, since=since, first=first, locale=locale)

    @staticmethod
    def resolve_redirects(root, info, first=100, after=None, updated_since=None):
        return redirects(info, first=first, after=after, updated_since=updated_since)
