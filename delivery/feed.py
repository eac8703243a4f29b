"""Writes to the change feed. Called from Wagtail signals (see delivery.signals).

Every write recomputes whether each affected article or section is public *now* through the same
selectors the API reads with, so the feed can never announce something the API would not show.
"""

from __future__ import annotations

import threading

from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Page

from delivery.models import ChangeKind, ChangeLog
from news import selectors
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
    articles = selectors.published_articles(root_path=root_path).filter(path__startswith=prefix)
    sections = selectors.published_sections(root_path=root_path).filter(path__startswith=prefix)
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
        known = _existing(root_path, [pk for pk, _label, _path in rows])
        for pk, label, _path in rows:
            kind = ChangeKind.UPSERT if pk in public else ChangeKind.DELETE
            entry = _write(
                label, pk, root_path, kind, force=pk == page.pk, reason=reason,
                existing=known.get((label, pk)),
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
                    selectors.published_articles(root_path=root_path)
                    .filter(pk__in=pks)
                    .values_list("pk", flat=True)
                ) | set(
                    selectors.published_sections(root_path=root_path)
                    .filter(pk__in=pks)
                    .values_list("pk", flat=True)
                )
                known = _existing(root_path, pks)
                for pk, label in pages:
                    kind = ChangeKind.UPSERT if pk in public else ChangeKind.DELETE
                    entry = _write(label, pk, root_path, kind, force=True,
                                   existing=known.get((label, pk)))  # fmt: skip
                    if entry is not None:
                        written.append(entry)
    return written


def _existing(root_path: str, pks: list[int], chunk: int = 500) -> dict:
    """Current feed rows for many objects at once: publishing a big section stays cheap."""
    found = {}
    for start in range(0, len(pks), chunk):
        rows = ChangeLog.objects.select_for_update().filter(
            root_path=root_path, object_id__in=pks[start : start + chunk]
        )
        found.update({(row.content_type, row.object_id): row for row in rows})
    return found


def record_delete(label: str, pk: int, path: str) -> ChangeLog | None:
    root_path = root_path_of(path)
    if root_path is None:
        return None
    with transaction.atomic():
        _serialise()
        return _write(label, pk, root_path, ChangeKind.DELETE, reason="deleted")


def record_moved_out(page: Page, old_root_path: str) -> None:
    """A subtree moved to another home page: everything in it is gone from the old edition."""
    with transaction.atomic():
        _serialise()
        rows = list(_tracked_rows(page.path))
        known = _existing(old_root_path, [pk for pk, _label, _path in rows])
        for pk, label, _path in rows:
            _write(
                label, pk, old_root_path, ChangeKind.DELETE, reason="unpublished",
                existing=known.get((label, pk)),
            )  # fmt: skip


_LOOKUP = object()


def _write(
    label, pk, root_path, kind, *, force=False, reason="changed", existing=_LOOKUP
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
    )
    from delivery import webhooks

    prefix = EVENT_PREFIX[label]
    if kind == ChangeKind.UPSERT:
        event = f"{prefix}.published"
    else:
        event = f"{prefix}.deleted" if reason == "deleted" else f"{prefix}.unpublished"
    webhooks.enqueue(event, webhooks.page_payload(entry, event))
    return entry
