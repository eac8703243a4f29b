"""Writes to the change feed. Called from Wagtail signals (see delivery.signals).

Every write recomputes whether each affected article or section is public *now* through the same
selectors the API reads with, so the feed can never announce something the API would not show.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Page

from cms.graphql.cache import bump_generation
from delivery.models import ChangeKind, ChangeLog
from news import visibility
from news.models import ArticlePage, SectionPage

TRACKED = {ArticlePage: "news.ArticlePage", SectionPage: "news.SectionPage"}
EVENT_PREFIX = {"news.ArticlePage": "article", "news.SectionPage": "section"}
# Arbitrary key for the PostgreSQL advisory lock that orders feed writers (see _serialise).
_FEED_LOCK = 7_417_001

_local = threading.local()


def deleting() -> set[int]:
    """Pages being deleted in this thread: their cascaded restrictions must not republish them."""
    if not hasattr(_local, "deleting"):
        _local.deleting = set()
    return _local.deleting


def root_path_of(path: str) -> str | None:
    """The home page (depth 2) a page lives under: a site root or one of its translations."""
    steplen = Page.steplen
    return path[: 2 * steplen] if len(path) > 2 * steplen else None


def _serialise() -> None:
    # Ids must be handed out in commit order, or a client could skip a row committed late with a
    # lower id. PostgreSQL: one feed writer at a time, until commit. SQLite serialises writes.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_FEED_LOCK])


def _public_ids(root_path: str, prefix: str) -> set[int]:
    articles = visibility.published_articles(root_path=root_path).filter(path__startswith=prefix)
    sections = visibility.published_sections(root_path=root_path).filter(path__startswith=prefix)
    return set(articles.values_list("pk", flat=True)) | set(sections.values_list("pk", flat=True))


def _tracked_rows(prefix: str):
    from django.contrib.contenttypes.models import ContentType

    types = ContentType.objects.get_for_models(*TRACKED)
    labels = {ct.pk: TRACKED[model] for model, ct in types.items()}
    rows = Page.objects.filter(path__startswith=prefix, content_type__in=labels.keys())
    for pk, ct_id, path in rows.values_list("pk", "content_type_id", "path"):
        yield pk, labels[ct_id], path


def refresh_subtree(page: Page, *, reason: str = "changed") -> list[ChangeLog]:
    """Record the current state of `page` and every article/section below it.

    The page itself always gets a fresh UPSERT when public (its content may have changed);
    descendants only when their public state flips, so republishing a section does not
    re-announce all of its articles.
    """
    root_path = root_path_of(page.path)
    if root_path is None:
        return []
    written = []
    with transaction.atomic():
        _serialise()
        public = _public_ids(root_path, page.path)
        rows = list(_tracked_rows(page.path))
        known = _existing(root_path, [(pk, label) for pk, label, _path in rows])
        for pk, label, path in rows:
            kind = ChangeKind.UPSERT if pk in public else ChangeKind.DELETE
            entry = _write(
                label, pk, root_path, kind, force=pk == page.pk, reason=reason,
                existing=known.get((label, pk)), path=path,
            )  # fmt: skip
            if entry is not None:
                written.append(entry)
    return written


def refresh_pages(ids, *, chunk: int = 500) -> list[ChangeLog]:
    """Record the current state of many articles/sections at once, for bulk writers that held
    back the per-page signals (the WordPress import). Each public page gets a fresh UPSERT (its
    content may have changed), each page that is not public a DELETE if it was announced."""
    from django.contrib.contenttypes.models import ContentType

    ids = list(dict.fromkeys(ids))
    types = ContentType.objects.get_for_models(*TRACKED)
    labels = {ct.pk: TRACKED[model] for model, ct in types.items()}
    written = []
    with transaction.atomic():
        _serialise()
        for start in range(0, len(ids), chunk):
            batch = ids[start : start + chunk]
            by_root: dict[str, list[tuple[int, str]]] = {}
            rows = Page.objects.filter(pk__in=batch, content_type__in=labels.keys())
            for pk, ct_id, path in rows.values_list("pk", "content_type_id", "path"):
                root_path = root_path_of(path)
                if root_path is not None:
                    by_root.setdefault(root_path, []).append((pk, labels[ct_id]))
            for root_path, pages in by_root.items():
                pks = [pk for pk, _label in pages]
                public = set(
                    visibility.published_articles(root_path=root_path)
                    .filter(pk__in=pks)
                    .values_list("pk", flat=True)
                ) | set(
                    visibility.published_sections(root_path=root_path)
                    .filter(pk__in=pks)
                    .values_list("pk", flat=True)
                )
                known = _existing(root_path, pages)
                for pk, label in pages:
                    kind = ChangeKind.UPSERT if pk in public else ChangeKind.DELETE
                    entry = _write(label, pk, root_path, kind, force=True,
                                   existing=known.get((label, pk)))  # fmt: skip
                    if entry is not None:
                        written.append(entry)
    return written


def _existing(root_path: str, objects: list[tuple[int, str]], chunk: int = 500) -> dict:
    """Current feed rows for many (pk, label) objects at once: publishing a big section stays
    cheap. The labels make the lookup an index search on (content_type, object_id, root_path):
    without them, no index starts with the object id, and every publish scanned the whole feed
    (100,000 rows, 17 ms at 100,000 articles)."""
    found = {}
    for start in range(0, len(objects), chunk):
        batch = objects[start : start + chunk]
        rows = ChangeLog.objects.select_for_update().filter(
            root_path=root_path,
            content_type__in={label for _pk, label in batch},
            object_id__in=[pk for pk, _label in batch],
        )
        found.update({(row.content_type, row.object_id): row for row in rows})
    return found


def record_delete(label: str, pk: int, path: str) -> ChangeLog | None:
    root_path = root_path_of(path)
    if root_path is None:
        return None
    with transaction.atomic():
        _serialise()
        return _write(label, pk, root_path, ChangeKind.DELETE, reason="deleted", path=path)


def record_moved_out(page: Page, old_root_path: str) -> None:
    """A subtree moved to another home page: everything in it is gone from the old edition."""
    with transaction.atomic():
        _serialise()
        rows = list(_tracked_rows(page.path))
        known = _existing(old_root_path, [(pk, label) for pk, label, _path in rows])
        for pk, label, path in rows:
            _write(
                label, pk, old_root_path, ChangeKind.DELETE, reason="unpublished",
                existing=known.get((label, pk)), path=path,
            )  # fmt: skip


_LOOKUP = object()


def _former_path(existing: ChangeLog | None, path: str) -> str:
    """Where the page was before it moved, so a section-filtered feed still sees it leave."""
    if existing is None:
        return ""
    if existing.path and existing.path != path:
        return existing.path
    return existing.former_path


def _write(
    label, pk, root_path, kind, *, force=False, reason="changed", existing=_LOOKUP, path=""
) -> ChangeLog | None:
    if existing is _LOOKUP:
        existing = (
            ChangeLog.objects.select_for_update()
            .filter(content_type=label, object_id=pk, root_path=root_path)
            .first()
        )
    previous = existing.kind if existing else ChangeKind.DELETE
    if kind == ChangeKind.DELETE and previous == ChangeKind.DELETE:
        return None  # never public here, or already announced as gone
    if kind == ChangeKind.UPSERT and previous == ChangeKind.UPSERT and not force:
        return None
    if existing is not None:
        existing.delete()
    entry = ChangeLog.objects.create(
        content_type=label,
        object_id=pk,
        root_path=root_path,
        kind=kind,
        updated_at=timezone.now(),
        path=path,
        former_path=_former_path(existing, path),
    )
    from delivery import webhooks

    prefix = EVENT_PREFIX[label]
    if kind == ChangeKind.UPSERT:
        event = f"{prefix}.published"
    else:
        event = f"{prefix}.deleted" if reason == "deleted" else f"{prefix}.unpublished"
    webhooks.enqueue(event, webhooks.page_payload(entry, event))
    return entry


# --- Repair and generation ---------------------------------------------------------------------


@dataclass
class Repair:
    """What `reconcile` changed: objects announced as public, and as gone."""

    upserts: int = 0
    deletes: int = 0
    roots: list[str] = field(default_factory=list)

    def __str__(self):
        return f"{self.upserts} UPSERT and {self.deletes} DELETE entr(y/ies) written"


def edition_roots() -> list[str]:
    """Paths of every home page (site roots and their translations): the feed's editions."""
    return list(Page.objects.filter(depth=2).values_list("path", flat=True))


def _public_rows(root_path: str) -> dict[tuple[str, int], str]:
    """{(label, pk): path} of every article and section the API shows in this edition."""
    found = {}
    articles = visibility.published_articles(root_path=root_path)
    for pk, path in articles.values_list("pk", "path"):
        found[(TRACKED[ArticlePage], pk)] = path
    for pk, path in visibility.published_sections(root_path=root_path).values_list("pk", "path"):
        found[(TRACKED[SectionPage], pk)] = path
    return found


def reconcile(*, dry_run: bool = False, chunk: int = 1000) -> Repair:
    """Make the log agree with the content, whatever wrote the content: an UPSERT for each public
    article or section the log does not announce as public, a DELETE for each one it announces
    but the API no longer shows. Nothing for pages that were never announced and are not public:
    a client cannot hold them. Bulk writers call this once at the end of their work."""
    from delivery import webhooks
    from delivery.models import WebhookEndpoint

    repair = Repair()
    notify = WebhookEndpoint.objects.filter(active=True).exists()
    for root_path in edition_roots():
        with transaction.atomic():
            _serialise()
            public = _public_rows(root_path)
            logged = {
                (row.content_type, row.object_id): row
                for row in ChangeLog.objects.filter(root_path=root_path).only(
                    "id", "content_type", "object_id", "kind", "path", "former_path"
                )
            }
            upserts = [
                (key, path)
                for key, path in public.items()
                if key not in logged or logged[key].kind != ChangeKind.UPSERT
            ]
            deletes = [
                (key, row.path)
                for key, row in logged.items()
                if row.kind == ChangeKind.UPSERT and key not in public
            ]
            if upserts or deletes:
                repair.roots.append(root_path)
            repair.upserts += len(upserts)
            repair.deletes += len(deletes)
            if dry_run:
                continue
            now = timezone.now()
            todo = [(key, path, ChangeKind.UPSERT) for key, path in upserts]
            todo += [(key, path, ChangeKind.DELETE) for key, path in deletes]
            for start in range(0, len(todo), chunk):
                batch = todo[start : start + chunk]
                stale = [logged[key].id for key, _path, _kind in batch if key in logged]
                ChangeLog.objects.filter(id__in=stale).delete()
                created = ChangeLog.objects.bulk_create(
                    ChangeLog(
                        content_type=key[0], object_id=key[1], root_path=root_path, kind=kind,
                        updated_at=now, path=path, former_path=_former_path(logged.get(key), path),
                    )
                    for key, path, kind in batch
                )  # fmt: skip
                if notify:
                    for entry in created:
                        prefix = EVENT_PREFIX[entry.content_type]
                        verb = "published" if entry.kind == ChangeKind.UPSERT else "unpublished"
                        event = f"{prefix}.{verb}"
                        webhooks.enqueue(event, webhooks.page_payload(entry, event))
    if not dry_run and (repair.upserts or repair.deletes):
        # The repaired content was written without the signals that refresh cached answers:
        # `changes` (and listings) cached before the repair would hide it.
        bump_generation()
    return repair


def new_generation() -> str:
    """Stamp a new feed identity: every cursor issued before is refused with RESYNC_REQUIRED.
    Run after restoring a backup or rebuilding the log."""
    from delivery.models import FeedState
    from delivery.models import new_generation as make

    with transaction.atomic():
        state, _ = FeedState.objects.select_for_update().get_or_create(pk=1)
        state.generation = make()
        state.save(update_fields=["generation"])
    return state.generation
