"""Reads of the change feed: a first sync enumerated from the pages themselves, then the log.

A first sync (no cursor) walks the live, public sections and articles in id order (keyset), so it
cannot miss content that reached the database without a log entry. Before it starts, it notes the
log's highest id (the hand-over point); when the walk ends, replay continues from there, so every
change made during or after the walk is delivered too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import BooleanField, Max, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from wagtail.models import Page

from delivery.feed import TRACKED
from delivery.models import ChangeKind, ChangeLog, FeedState
from news import selectors
from news.models import ArticlePage, SectionPage

ARTICLE = TRACKED[ArticlePage]
SECTION = TRACKED[SectionPage]

# Walk phases, in order: sections, then articles, then the log.
SECTIONS, ARTICLES, LOG = "s", "a", "l"
PHASES = (SECTIONS, ARTICLES, LOG)


@dataclass
class Position:
    generation: str
    handover: int  # log id the walk hands over at; in the log phase, the last id delivered
    phase: str = SECTIONS
    after: int = 0  # last page id delivered in a walk phase


@dataclass
class FeedEntry:
    object_id: int
    content_type: str
    kind: str
    updated_at: datetime
    node: object = None


def feed_state() -> tuple[str, int]:
    """(generation, highest pruned tombstone id)."""
    state = FeedState.get()
    return state.generation, state.pruned_through


def start(generation: str, pruned: int) -> Position:
    head = ChangeLog.objects.aggregate(head=Max("id"))["head"] or 0
    # Pruning may have removed the newest rows: never hand over below what was pruned, or the
    # next page would be refused as too old.
    return Position(generation=generation, handover=max(head, pruned))


def section_path(info, slug: str) -> str | None:
    """Tree path of a section of this edition, public or not (an app must still hear that its
    section went away)."""
    root_path = selectors.site_root(info)
    if root_path is None:
        return None
    depth = len(root_path) // Page.steplen + 1
    sections = SectionPage.objects.filter(path__startswith=root_path, depth=depth, slug=slug)
    return sections.values_list("path", flat=True).first()


def _public_sections(info, section: str | None):
    qs = selectors.sections_for_request(info)
    return qs.filter(slug=section) if section is not None else qs


def _public_articles(info, section: str | None):
    # With their stored renders (news.renders), as `articles` reads them: an app's sync pays
    # for what its nodes show no more than a listing does.
    return selectors.with_render(
        selectors.articles_for_request(info, listing=True, section=section)
    )


def _page_id_after(pk: int) -> RawSQL:
    """`wagtailcore_page.id > pk`, for an article query already filtered on `pk > pk`.

    Django states the keyset on the article table only (it trims `page_ptr__id` to
    `page_ptr_id`) and PostgreSQL does not carry an inequality across a join: its merge join
    read every page row below the cursor, 117 ms at 95% of 100,000 articles, so that the walk
    grew with the square of the archive. Stated on the page table too, both scans start at the
    cursor. The page table is joined under its own name (multi-table inheritance)."""
    column = f"{connection.ops.quote_name(Page._meta.db_table)}.{connection.ops.quote_name('id')}"
    # Names quoted from the model, the cursor value bound as a parameter.
    return RawSQL(f"{column} > %s", (pk,), output_field=BooleanField())  # noqa: S611


def _stamp(page) -> datetime:
    return page.last_published_at or page.first_published_at or timezone.now()


def page_of_changes(
    info, position: Position, *, first: int, section: str | None, section_path: str | None
) -> tuple[list[FeedEntry], Position, bool]:
    """Up to `first` entries after `position`, the next position, and whether more may follow.

    A fixed number of queries whatever the page size or the archive size: one per phase
    crossed, one to tell live log entries from those whose page is no longer public."""
    entries: list[FeedEntry] = []
    has_more = replayed = False
    while len(entries) < first:
        need = first - len(entries)
        if position.phase == SECTIONS:
            rows = list(_public_sections(info, section).filter(pk__gt=position.after)
                        .order_by("pk")[: need + 1])  # fmt: skip
            label = SECTION
        elif position.phase == ARTICLES:
            rows = list(_public_articles(info, section)
                        .filter(_page_id_after(position.after), pk__gt=position.after)
                        .order_by("pk")[: need + 1])  # fmt: skip
            label = ARTICLE
        else:
            replayed = True
            logged, has_more = _log_rows(info, position.handover, need, section_path)
            entries += _live_entries(info, logged, section)
            if logged:
                position.handover = logged[-1].id
            break
        entries += [
            FeedEntry(page.pk, label, ChangeKind.UPSERT.value, _stamp(page), node=page)
            for page in rows[:need]
        ]
        if len(rows) > need:
            position.after = rows[need - 1].pk
            has_more = True
            break
        position.phase = PHASES[PHASES.index(position.phase) + 1]
        position.after = 0
    if position.phase != LOG:
        has_more = True
    elif not replayed:  # the walk filled the page exactly: is anything waiting in the log?
        has_more = _log_rows(info, position.handover, 1, section_path)[0] != []
    selectors.prepare_articles([e.node for e in entries if e.content_type == ARTICLE and e.node],
                               info=info)  # fmt: skip
    return entries, position, has_more


def _log_rows(info, after: int, limit: int, section_path: str | None):
    qs = ChangeLog.objects.filter(root_path=selectors.site_root(info), id__gt=after)
    if section_path is not None:
        qs = qs.filter(Q(path__startswith=section_path) | Q(former_path__startswith=section_path))
    rows = list(qs.order_by("id")[: limit + 1])
    return rows[:limit], len(rows) > limit


def _live_entries(info, logged: list[ChangeLog], section: str | None) -> list[FeedEntry]:
    """Log rows as entries, each UPSERT with its page. An UPSERT whose page the API does not show
    now (expired before the scheduler ran, or moved out of the filtered section) is a DELETE:
    the client may hold it, and must not keep it."""
    wanted = {ARTICLE: set(), SECTION: set()}
    for row in logged:
        if row.kind == ChangeKind.UPSERT:
            wanted[row.content_type].add(row.object_id)
    pages = {}
    if wanted[ARTICLE]:
        for page in _public_articles(info, section).filter(pk__in=wanted[ARTICLE]):
            pages[(ARTICLE, page.pk)] = page
    if wanted[SECTION]:
        for page in _public_sections(info, section).filter(pk__in=wanted[SECTION]):
            pages[(SECTION, page.pk)] = page
    entries = []
    for row in logged:
        node = pages.get((row.content_type, row.object_id))
        kind = (ChangeKind.UPSERT if node is not None else ChangeKind.DELETE).value
        entries.append(FeedEntry(row.object_id, row.content_type, kind, row.updated_at, node))
    return entries
