"""Writes a scanned WordPress export into Kiosque: rubriques, topics, authors, images, articles
and redirects. A new article is saved once, already in its published, scheduled or draft state,
with its first revision and history entries (`Importer._create`); a page imported earlier gets
a revision published as in the admin. Posts are committed in batches, one savepoint each. The
per-page signal work (change feed, webhooks, search indexes, reference index, renditions, API
cache) is held back during the run and done in batches instead (see `deferred_signals` and
`Importer.flush`), once per page and per batch.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from modelcluster.models import get_all_child_relations
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.log_actions import get_active_log_context, log
from wagtail.models import Page, PageLogEntry, Revision
from wagtail.signals import page_published, page_unpublished
from wagtail.utils.file import hash_filelike
from wagtail.utils.timestamps import ensure_utc

from cms import renditions
from cms.graphql import cache as api_cache
from cms.indexing import deferred_indexing, index_objects, search_backends
from delivery import feed
from delivery import signals as feed_signals
from news import invalidation as news_invalidation
from news import renders as news_renders
from news.models import (
    ArticleAuthor,
    ArticlePage,
    ArticleTopic,
    Author,
    RelatedLink,
    SectionPage,
    Topic,
    french_sort_key,
)
from news.signals import articles_bulk_created, pages_bulk_written
from search import services as search_services
from search import signals as search_signals
from wpimport import converter
from wpimport.models import ImportedPost
from wpimport.pagetree import ChildAdder
from wpimport.parser import ExportIndex, Post, iter_posts, upload_path

logger = logging.getLogger(__name__)

_HREF = re.compile(r"""<a\s[^>]*?href=["']([^"']+)["']""", re.IGNORECASE)
_SRC = re.compile(r"""<img\s[^>]*?src=["']([^"']+)["']""", re.IGNORECASE)
_ATTACHMENT_ID = re.compile(r"(?:wp-image-|attachment_)(\d+)")

# Bump when a change to the conversion should rewrite pages imported by an earlier version.
CONVERTER_VERSION = "1"
IMPORT_ACTION = "wpimport.import"
IMPORTABLE_STATUSES = {"publish", "future", "draft", "pending"}
SKIP_REASONS = {
    "private": "article privé",
    "trash": "article à la corbeille",
    "auto-draft": "brouillon automatique",
    "inherit": "révision WordPress",
}
FALLBACK_SECTION = ("archives", "Archives")
# Paths of a WordPress site that are never posts: links to them are not reported as missing.
# Pages written between two batched passes of signal work: bounds what an interrupted run leaves
# to `update_index` / `rebuild_references_index`, and the memory the pass holds.
FLUSH_EVERY = 500
# Posts committed together, each inside its own savepoint: one commit (and on SQLite one sync
# to disk) per batch instead of per post, and a failing post still leaves nothing behind.
POSTS_PER_TRANSACTION = 50
NON_POST_PREFIXES = ("/wp-content/", "/wp-admin/", "/wp-includes/", "/category/", "/tag/",
                     "/author/", "/feed", "/page/", "/wp-json/")  # fmt: skip


@dataclass
class Options:
    media_dir: Path | None = None
    dry_run: bool = False
    as_drafts: bool = False
    section_map: dict[str, str] = field(default_factory=dict)
    topic_kinds: dict[str, str] = field(default_factory=dict)


@dataclass
class Report:
    export: str = ""
    site_url: str = ""
    dry_run: bool = False
    counts: Counter = field(default_factory=Counter)
    posts: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    new_sections: list[str] = field(default_factory=list)

    def outcome(self, post: Post, outcome: str, *, reason: str = "", page_id=None) -> None:
        self.counts[outcome] += 1
        entry = {"wp_id": post.wp_id, "title": clean_title(post.title), "outcome": outcome}
        if reason:
            entry["reason"] = reason
        if page_id:
            entry["page_id"] = page_id
        self.posts.append(entry)

    def warn(self, wp_id: int | None, message: str) -> None:
        self.warnings.append({"wp_id": wp_id, "message": message})

    @property
    def skipped(self) -> list[dict]:
        return [p for p in self.posts if p["outcome"] == "skipped"]

    def as_dict(self) -> dict:
        counts = {key: self.counts.get(key, 0) for key in ("created", "updated", "unchanged",
                                                            "skipped")}  # fmt: skip
        return {
            "export": self.export,
            "site_url": self.site_url,
            "dry_run": self.dry_run,
            "counts": counts,
            "created": dict(sorted(self.created.items())),
            "new_sections": self.new_sections,
            "skipped": self.skipped,
            "warnings": self.warnings,
            "posts": self.posts,
        }


def clean_title(title: str) -> str:
    return converter.plain(html.unescape(title or ""))[:255]


def normalised_name(name: str) -> str:
    """Topic names match regardless of case and accents: "Élysée" is "elysee"."""
    return french_sort_key(" ".join(name.split()))[0]


def parse_date(post: Post) -> datetime | None:
    for value, zone in ((post.date_gmt, UTC), (post.date, ZoneInfo(settings.TIME_ZONE))):
        if value and not value.startswith("0000"):
            try:
                return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone)
            except ValueError:
                continue
    return None


@contextmanager
def deferred_signals():
    """Hold back the work publishing does page by page: Wagtail's search and reference indexes,
    the change feed and its webhooks, the article search index and the API cache generation.
    The caller does it in batches (Importer.flush). Signals are process-wide: this is for a
    management command, not for a web worker. Redirect signals stay on (cheap, and the
    redirects API needs their stamps)."""
    held = [
        (page_published, "kiosque_feed_published"),
        (page_unpublished, "kiosque_feed_unpublished"),
        (page_published, "search.on_published"),
        (page_unpublished, "search.on_unpublished"),
    ]
    cache_models = (get_image_model(), Redirect)
    from django.db.models.signals import post_save

    try:
        for signal, uid in held:
            signal.disconnect(dispatch_uid=uid)
        # The response cache's precise invalidation: the import flushes it once per batch.
        news_invalidation.disconnect()
        # Stored renders: rebuilt once per batch from articles_bulk_created (Importer.flush).
        news_renders.disconnect()
        for model in cache_models:
            post_save.disconnect(sender=model, dispatch_uid=f"kiosque-save-{model}")
        with deferred_indexing():
            yield
    finally:
        # Each connect() is idempotent (dispatch_uid): it restores exactly what was held.
        feed_signals.connect()
        search_signals.connect()
        api_cache.connect_signals()
        news_invalidation.connect()
        news_renders.connect()


def _path_key(path: str) -> str:
    return "/" + path.strip("/").lower() if path.strip("/") else ""


class Importer:
    def __init__(self, index: ExportIndex, options: Options, home, report: Report):
        self.index = index
        self.options = options
        self.home = home
        self.report = report
        self.site_url = index.site_url
        self.hosts = {
            (urlsplit(url).hostname or "").lower().removeprefix("www.")
            for url in (index.site_url, index.base_url)
            if url
        }
        records = ImportedPost.objects.filter(site_url=self.site_url)
        self.records = {r.wp_id: r for r in records}
        self.page_ids = {wp_id: r.page_id for wp_id, r in self.records.items() if r.page_id}
        importable = [
            ref for ref in index.posts.values()
            if ref.post_type == "post" and ref.status in IMPORTABLE_STATUSES
        ]  # fmt: skip
        self.importable = {ref.wp_id for ref in importable}
        self.by_path = {_path_key(r.path): r.wp_id for r in importable if _path_key(r.path)}
        slugs = Counter(ref.slug for ref in importable if ref.slug)
        self.by_slug = {ref.slug: ref.wp_id for ref in importable if slugs[ref.slug] == 1}
        self.sections = {}
        self.topics = {normalised_name(t.name): t for t in Topic.objects.all()}
        self.topic_slugs = set(Topic.objects.values_list("slug", flat=True))
        self.authors = {}
        self.images = {}
        self.redirect_site = None
        self.relink: set[int] = set()
        self._current: int | None = None
        self._warn_links = True
        self._exists: dict[str, str] = {}
        # Written since the last flush: pages (by id) and other indexed objects (by model).
        self.pending_pages: set[int] = set()
        self.pending_objects: dict[type, set[int]] = defaultdict(set)
        # Images used by pages created without Revision.publish(), whose page_published signal
        # would have asked for their renditions.
        self.pending_images: set[int] = set()
        # Read once, then kept up to date: the slugs under each rubrique and the old paths that
        # already redirect, instead of a query per post.
        self.child_slugs: dict[int, set[str]] = {}
        self.redirect_targets: dict[str, int | None] | None = None
        self.children = ChildAdder()
        # What the current post added to the caches above, taken back if its savepoint rolls back.
        self._undo: list = []
        self.written = False

    # Links ---------------------------------------------------------------------------------

    def target_wp_id(self, href: str) -> int | None:
        parts = urlsplit(href)
        host = (parts.hostname or "").lower().removeprefix("www.")
        if host and host not in self.hosts:
            return None
        if not host and not href.startswith("/") and not href.startswith("?"):
            return None
        post_id = converter.query_post_id(href)
        if post_id is not None:
            return post_id if post_id in self.importable else self._missing(href)
        key = _path_key(parts.path)
        if not key:
            return None
        if key in self.by_path:
            return self.by_path[key]
        last = key.rsplit("/", 1)[-1]
        if last in self.by_slug:
            return self.by_slug[last]
        if key.startswith(NON_POST_PREFIXES) or "." in last:
            return None
        return self._missing(href)

    def _missing(self, href: str) -> None:
        if self._warn_links:
            self.report.warn(self._current, f"lien vers un article non importé : {href}")
        return None

    def resolve_link(self, href: str) -> converter.LinkTarget | None:
        wp_id = self.target_wp_id(href)
        if wp_id is None:
            return None
        ref = self.index.posts[wp_id]
        return converter.LinkTarget(wp_id, self.page_ids.get(wp_id), clean_title(ref.title))

    # Media ---------------------------------------------------------------------------------

    def resolve_image(self, src: str, attachment_id: int | None) -> dict | None:
        attachment = self.index.attachments.get(attachment_id) if attachment_id else None
        if attachment is None and src:
            attachment = self.index.attachment_for_url(src)
        candidates = []
        if attachment is not None and attachment.file:
            candidates.append(attachment.file)
        relative = upload_path(src) if src else None
        if relative:
            candidates.append(relative)
        if not candidates:
            if src or attachment_id:
                self.report.warn(
                    self._current, f"image hors de wp-content/uploads, non importée : {src}"
                )
            return None
        if self.options.media_dir is None:
            self.report.warn(self._current, f"image non importée, sans --media : {candidates[0]}")
            return None
        path = None
        for candidate in candidates:
            path = self._media_path(candidate)
            if path is not None and path.is_file():
                break
            path = None
        if path is None:
            self.report.warn(self._current, f"fichier image manquant : {candidates[0]}")
            return None
        image_id = self._image_for(path, attachment.title if attachment else "")
        if image_id is None:
            return None
        return {
            "image": image_id,
            "caption": attachment.caption if attachment else "",
            "alt": attachment.alt if attachment else "",
            "credit": attachment.credit if attachment else "",
        }

    def _media_path(self, relative: str) -> Path | None:
        root = self.options.media_dir.resolve()
        path = (root / relative.lstrip("/")).resolve()
        if not path.is_relative_to(root):
            self.report.warn(self._current, f"chemin de fichier refusé : {relative}")
            return None
        return path

    def _image_for(self, path: Path, title: str) -> int | None:
        if path in self.images:
            return self.images[path]
        if self.options.dry_run:
            self.images[path] = 0
            return 0
        image_model = get_image_model()
        with path.open("rb") as handle:
            digest = hash_filelike(handle)
            existing = image_model.objects.filter(file_hash=digest).order_by("pk").first()
            if existing is not None:
                self.report.created["images_reused"] += 1
                self.images[path] = existing.pk
                return existing.pk
            handle.seek(0)
            try:
                with transaction.atomic():
                    image = image_model(
                        title=(clean_title(title) or path.stem)[:255],
                        file=ImageFile(handle, name=path.name),
                        file_hash=digest,
                    )
                    image.save()
            except Exception as exc:  # noqa: BLE001 - any unreadable file is reported, not fatal
                self.report.warn(self._current, f"image illisible {path.name} : {exc}")
                self.images[path] = None
                return None
        self.report.created["images"] += 1
        self.pending_objects[type(image)].add(image.pk)
        self.images[path] = image.pk
        self._undo.append(lambda: self.images.pop(path, None))
        return image.pk

    # Taxonomy and people -------------------------------------------------------------------

    def section_for(self, post: Post):
        slug, name = post.categories[0] if post.categories else FALLBACK_SECTION
        slug = slug or slugify(name)
        if slug in self.sections:
            return self.sections[slug]
        mapped = self.options.section_map.get(slug)
        section = None
        if mapped:
            section = self._child_section(mapped)
        else:
            section = self._child_section(slugify(slug)[:255] or FALLBACK_SECTION[0])
        if section is None and not mapped:
            title = html.unescape(name or self.index.categories.get(slug, slug))[:255]
            self.report.new_sections.append(title)
            self.report.created["sections"] += 1
            if self.options.dry_run:
                section = SectionPage(title=title, slug=slugify(slug))
            else:
                section = SectionPage(title=title, slug=slugify(slug)[:255] or "rubrique")
                with transaction.atomic():
                    self.home.add_child(instance=section)
                    section.save_revision().publish()
                self.pending_pages.add(section.pk)
                self._undo.append(lambda: self.sections.pop(slug, None))
        self.sections[slug] = section
        return section

    def _child_section(self, slug: str):
        return SectionPage.objects.child_of(self.home).filter(slug=slug).first()

    def topics_for(self, post: Post) -> list:
        topics = []
        for slug, name in post.tags:
            name = html.unescape(name or self.index.tags.get(slug, slug)).strip()[:255]
            key = normalised_name(name)
            if not key:
                continue
            topic = self.topics.get(key)
            if topic is None:
                kind = self.options.topic_kinds.get(slug, Topic.Kind.THEME)
                base = slugify(slug or name)[:240] or "sujet"
                unique, n = base, 2
                while unique in self.topic_slugs:
                    unique, n = f"{base}-{n}", n + 1
                topic = Topic(name=name, slug=unique, kind=kind)
                if not self.options.dry_run:
                    topic.save()
                    self.pending_objects[Topic].add(topic.pk)
                self.topic_slugs.add(unique)
                self.topics[key] = topic
                self._undo.append(lambda k=key: self.topics.pop(k, None))
                self._undo.append(lambda u=unique: self.topic_slugs.discard(u))
                self.report.created["topics"] += 1
            if topic not in topics:
                topics.append(topic)
        return topics

    def author_for(self, post: Post):
        login = post.creator
        if not login:
            return None
        if login in self.authors:
            return self.authors[login]
        info = self.index.authors.get(login, {})
        name = public_author_name(info, login)
        slug = slugify(name)[:255] or "redaction"
        author = Author.objects.filter(slug=slug).first()
        if author is None:
            author = Author(name=name, slug=slug)
            if not self.options.dry_run:
                author.save()
                self.pending_objects[Author].add(author.pk)
            self.report.created["authors"] += 1
            self._undo.append(lambda: self.authors.pop(login, None))
        self.authors[login] = author
        return author

    # Posts ---------------------------------------------------------------------------------

    def run(self, path, progress=None) -> Report:
        total = len(self.index.posts)
        with deferred_signals():
            try:
                self._import_all(iter_posts(path), progress=progress, total=total)
                if self.relink and not self.options.dry_run:
                    # Links to posts that came later in the file: their pages exist now.
                    self._import_all(iter_posts(path, wanted=self.relink), relink=True)
            finally:
                # Also when the run stops early: what was committed gets indexed and announced.
                self.flush()
            if self.written:
                # Bulk writers end with this: listeners that compare whole sets (the change
                # feed) check once that the content and what they announced agree.
                pages_bulk_written.send(sender=type(self))
        return self.report

    def _import_all(self, posts, *, relink=False, progress=None, total=0) -> None:
        done = 0
        while True:
            # Read before the transaction opens: a file that breaks mid-way (ExportError) stops
            # the run between two commits, never inside one.
            batch = list(islice(posts, POSTS_PER_TRANSACTION))
            if not batch:
                return
            with transaction.atomic():
                for post in batch:
                    self.import_post(post, relink=relink)
                    done += 1
                    if progress:
                        progress(done, total)
            if len(self.pending_pages) >= FLUSH_EVERY:
                self.flush()

    def flush(self) -> None:
        """The signal work held back since the last flush, once per object, in batches: Wagtail's
        search and reference indexes, the article search index, change feed entries (and their
        webhooks), then one bump of the API cache generation."""
        if not self.pending_pages and not self.pending_objects:
            return
        pages = sorted(self.pending_pages)
        objects = dict(self.pending_objects)
        images = sorted(self.pending_images)
        self.pending_pages, self.pending_objects = set(), defaultdict(set)
        self.pending_images = set()
        backends = search_backends()
        with transaction.atomic():
            for model, pks in objects.items():
                index_objects(model, list(model.objects.filter(pk__in=pks)), backends)
            for start in range(0, len(pages), FLUSH_EVERY):
                batch = pages[start : start + FLUSH_EVERY]
                for model in (ArticlePage, SectionPage):
                    # The reference index reads every child relation: one query per relation
                    # for the batch instead of per page.
                    relations = [r.get_accessor_name() for r in get_all_child_relations(model)]
                    found = model.objects.filter(pk__in=batch).prefetch_related(*relations)
                    index_objects(model, list(found), backends)
                live = set(
                    ArticlePage.objects.live().filter(pk__in=batch).values_list("pk", flat=True)
                )
                # New pages were published without page_published: the project's bulk signal
                # tells the article search index (and whoever follows it) about the live ones;
                # the others are dropped from it.
                if live:
                    articles_bulk_created.send(sender=ArticlePage, ids=sorted(live))
                search_services.index_articles(sorted(set(batch) - live))
                # Pages that are not live lose their renders, and renders linking to them
                # are rebuilt (the live ones are, through articles_bulk_created).
                news_renders.pages_changed(sorted(set(batch) - live))
            feed.refresh_pages(pages)
            renditions.schedule(images)
            api_cache.bump_generation()
        self.written = True

    def import_post(self, post: Post, *, relink: bool = False) -> None:
        self._current = post.wp_id
        if post.post_type != "post":
            self.report.outcome(post, "skipped", reason=f"type « {post.post_type} » non importé")
            return
        if post.status not in IMPORTABLE_STATUSES:
            reason = SKIP_REASONS.get(post.status, f"statut « {post.status} »")
            self.report.outcome(post, "skipped", reason=reason)
            return
        record = self.records.get(post.wp_id)
        if record is not None and record.page_id is None:
            self.report.outcome(post, "skipped", reason="page supprimée dans Kiosque")
            return
        self._undo = []
        created, new_sections = Counter(self.report.created), list(self.report.new_sections)
        try:
            # Its own savepoint: a failing post takes back everything it wrote (page, revision,
            # redirects, record, and the rubrique, topics, authors and images it created).
            with transaction.atomic():
                self._import(post, record, relink=relink)
        except Exception as exc:
            for undo in reversed(self._undo):
                undo()
            self.report.created, self.report.new_sections = created, new_sections
            if isinstance(exc, (ValidationError, ValueError)):
                message = "; ".join(getattr(exc, "messages", [str(exc)]))
                self.report.outcome(post, "skipped", reason=f"invalide : {message}")
            else:  # one post's failure must not stop the archive
                logger.exception("WordPress post %s could not be imported", post.wp_id)
                reason = f"erreur : {type(exc).__name__}: {exc}"
                self.report.outcome(post, "skipped", reason=reason)
        finally:
            self._undo = []

    def _import(self, post: Post, record, *, relink: bool) -> None:
        section = self.section_for(post)
        # Decided before converting anything: an unchanged re-run only reads the file.
        fingerprint = self.fingerprint(post, section)
        if not relink and record is not None and record.fingerprint == fingerprint:
            self.report.outcome(post, "unchanged", page_id=record.page_id)
            return
        topics = self.topics_for(post)
        author = self.author_for(post)
        self._warn_links = False  # already reported by fingerprint()
        try:
            body = converter.convert(
                post.content, resolve_link=self.resolve_link, resolve_image=self.resolve_image
            )
        finally:
            self._warn_links = True
        lead = None
        if post.thumbnail_id:
            lead = self.resolve_image("", post.thumbnail_id)
        if relink:
            if record is not None:
                self._write(post, record, section, topics, author, body, lead, fingerprint)
            return
        outcome = "updated" if record is not None else "created"
        if self.options.dry_run:
            self.report.outcome(post, outcome)
            return
        page = self._write(post, record, section, topics, author, body, lead, fingerprint)
        self.report.outcome(post, outcome, page_id=page.pk)
        if body.pending_links:
            self.relink.add(post.wp_id)

    def fingerprint(self, post: Post, section) -> str:
        """Everything the page is made from: the post itself, which of its links point to
        imported posts, and which of its image files exist. Cheap: no HTML parsing."""
        linked = sorted(
            {wp_id for href in _HREF.findall(post.content)
             if (wp_id := self.target_wp_id(html.unescape(href))) is not None}
        )  # fmt: skip
        media = sorted({path for path in self._media_files(post) if path})
        data = [
            CONVERTER_VERSION, self.options.as_drafts, post.title, post.content, post.excerpt,
            post.status, post.date, post.date_gmt, post.slug, post.link, post.creator,
            post.categories, post.tags, post.thumbnail_id, getattr(section, "slug", ""),
            linked, media,
        ]  # fmt: skip
        return hashlib.sha256(json.dumps(data, default=str).encode()).hexdigest()

    def _media_files(self, post: Post):
        ids = {int(i) for i in _ATTACHMENT_ID.findall(post.content)}
        if post.thumbnail_id:
            ids.add(post.thumbnail_id)
        relatives = [self.index.attachments[i].file for i in ids if i in self.index.attachments]
        relatives += [r for src in _SRC.findall(post.content) if (r := upload_path(src))]
        for relative in relatives:
            yield self._existing_file(relative)

    def _existing_file(self, relative: str) -> str:
        if self.options.media_dir is None or not relative:
            return ""
        if relative not in self._exists:
            root = self.options.media_dir.resolve()
            path = (root / relative.lstrip("/")).resolve()
            found = path.is_relative_to(root) and path.is_file()
            self._exists[relative] = f"{relative}:{path.stat().st_size}" if found else ""
        return self._exists[relative]

    def _write(self, post, record, section, topics, author, body, lead, fingerprint):
        date = parse_date(post)
        excerpt = converter.plain(post.excerpt)
        blocks = body.blocks
        standfirst = excerpt
        if not standfirst:
            standfirst, blocks = converter.standfirst_rule(blocks)
        title = clean_title(post.title) or "Sans titre"
        state = self._state(post)
        if record is not None:
            page = ArticlePage.objects.get(pk=record.page_id)
        else:
            page = ArticlePage(slug=self._free_slug(section, post, title), live=False)
        page.title = title
        page.standfirst = standfirst or title
        page.body = blocks
        page.published_at = date
        page.lead_image_id = lead["image"] if lead else None
        page.lead_image_caption = (lead or {}).get("caption", "")[:500]
        page.lead_image_alt = (lead or {}).get("alt", "")[:255]
        page.lead_image_credit = (lead or {}).get("credit", "")[:255]
        relations = {
            "article_authors": [ArticleAuthor(author=author, sort_order=0)] if author else [],
            "related_links": self._related(body.related),
            "article_topics": [
                ArticleTopic(topic=topic, sort_order=order)
                for order, topic in enumerate(dict.fromkeys(topics))
            ],
        }
        if state == "live" and date:
            page.first_published_at = date
        page.go_live_at = date if state == "scheduled" else None
        if record is None:
            self._create(page, post, section, state, relations)
            # Raw block data: reading page.body would load every image of the body.
            self.pending_images.update(
                b["value"]["image"] for b in blocks if b["type"] == "image" and b["value"]["image"]
            )
            self.records[post.wp_id] = ImportedPost.objects.create(
                site_url=self.site_url, wp_id=post.wp_id, page_id=page.pk, fingerprint=fingerprint
            )
        else:
            page.article_authors = relations["article_authors"]
            page.related_links = relations["related_links"]
            page.set_topics(topics)  # reuses the rows of topics kept
            self._update(page, post, state)
            # page_id, not page: records live for the whole run and must not pin each page.
            self.records[post.wp_id], _ = ImportedPost.objects.update_or_create(
                site_url=self.site_url, wp_id=post.wp_id,
                defaults={"page_id": page.pk, "fingerprint": fingerprint},
            )  # fmt: skip
        self._redirects(post, page)
        self.page_ids[post.wp_id] = page.pk
        self.pending_pages.add(page.pk)
        return page

    def _create(self, page, post: Post, section, state: str, relations: dict) -> None:
        """A new page, saved once with its final state, then its first revision and history
        entries written directly: what save_revision() and Revision.publish() leave in the
        database, without their two further saves of the page and the revision read back.
        page_published is not sent: flush() does its listeners' work for the batch."""
        now = timezone.now()
        scheduled = state == "scheduled" and page.go_live_at is not None and page.go_live_at > now
        live = state in ("live", "scheduled") and not scheduled
        page.live = live
        page.has_unpublished_changes = not live
        page.first_published_at = (page.first_published_at or now) if live else None
        page.last_published_at = now if live else None
        page.draft_title = page.title
        page.latest_revision_created_at = now
        self._undo.append(lambda: self.children.forget(section))
        self.children.add(section, page, relations)  # validated, saved with its relations
        self.child_slugs[section.pk].add(page.slug)
        self._undo.append(lambda: self.child_slugs[section.pk].discard(page.slug))
        revision = Revision.objects.create(
            content_object=page,
            base_content_type=page.get_base_content_type(),
            content=page.serializable_data(),
            object_str=str(page),
            created_at=now,
            approved_go_live_at=page.go_live_at if scheduled else None,
        )
        page.latest_revision = revision
        page.live_revision = revision if live else None
        Page.objects.filter(pk=page.pk).update(
            latest_revision=revision, live_revision=page.live_revision
        )
        context = get_active_log_context()
        entry = {
            "content_type": ContentType.objects.get_for_model(page, for_concrete_model=False),
            "label": page.title, "timestamp": now, "page": page, "revision": revision,
            "user": context.user, "uuid": context.uuid,
        }  # fmt: skip
        entries = [
            PageLogEntry(action="wagtail.create", data={}, content_changed=True, **entry),
            PageLogEntry(action=IMPORT_ACTION, data=self._log_data(post), **entry),
        ]
        if live:
            entries.append(PageLogEntry(action="wagtail.publish", data={}, content_changed=True,
                                        **entry))  # fmt: skip
        elif scheduled:
            data = {"revision": {
                "id": revision.pk, "created": ensure_utc(now),
                "go_live_at": ensure_utc(page.go_live_at), "has_live_version": False,
            }}  # fmt: skip
            entries.append(PageLogEntry(action="wagtail.publish.schedule", data=data,
                                        content_changed=True, **entry))  # fmt: skip
        # Built directly: log() would validate each entry with three queries.
        PageLogEntry.objects.bulk_create(entries)
        if page.lead_image_id:
            self.pending_images.add(page.lead_image_id)

    def _update(self, page, post: Post, state: str) -> None:
        """A page imported earlier: a new revision, published as the admin does."""
        revision = page.save_revision(log_action=False)
        log(instance=page, action=IMPORT_ACTION, revision=revision, data=self._log_data(post))
        if state in ("live", "scheduled"):
            revision.publish()
        elif page.live and not self.options.as_drafts:
            page.unpublish()

    def _log_data(self, post: Post) -> dict:
        return {"source": "wordpress", "site_url": self.site_url, "wp_id": post.wp_id}

    def _state(self, post: Post) -> str:
        if self.options.as_drafts or post.status in ("draft", "pending"):
            return "draft"
        return "scheduled" if post.status == "future" else "live"

    def _related(self, related: list[dict]) -> list:
        links = []
        for order, item in enumerate(related):
            target = item["target"]
            if target is not None and target.page_id is not None:
                links.append(RelatedLink(target_page_id=target.page_id, sort_order=order))
            elif item["url"].startswith(("http://", "https://")):
                links.append(RelatedLink(url=item["url"][:500], title=item["title"][:255],
                                         sort_order=order))  # fmt: skip
        return links

    def _free_slug(self, section, post: Post, title: str) -> str:
        base = (slugify(post.slug) or slugify(title) or f"article-{post.wp_id}")[:240]
        if section.pk not in self.child_slugs:
            self.child_slugs[section.pk] = set(
                section.get_children().values_list("slug", flat=True)
            )
        taken = self.child_slugs[section.pk]
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        return slug

    def _redirects(self, post: Post, page) -> None:
        if self.redirect_site is None:
            self.redirect_site = page.get_site()
        parts = page.get_url_parts()
        new_path = Redirect.normalise_path(parts[2] if parts else "")
        old_paths = {f"/?p={post.wp_id}"}
        if post.link:
            parts = urlsplit(post.link)
            old_paths.add(parts.path + (f"?{parts.query}" if parts.query else ""))
        if self.redirect_targets is None:
            self.redirect_targets = dict(
                Redirect.objects.filter(site=self.redirect_site).values_list(
                    "old_path", "redirect_page_id"
                )
            )
        for old in sorted(old_paths):
            old_path = Redirect.normalise_path(old)
            if old_path in ("", "/") or old_path == new_path:
                continue
            if old_path not in self.redirect_targets:
                redirect = Redirect.objects.create(
                    old_path=old_path, site=self.redirect_site, redirect_page=page,
                    is_permanent=True,
                )  # fmt: skip
                self.redirect_targets[old_path] = page.pk
                self._undo.append(lambda p=old_path: self.redirect_targets.pop(p, None))
                self.pending_objects[Redirect].add(redirect.pk)
                self.report.created["redirects"] += 1
            elif self.redirect_targets[old_path] != page.pk:
                self.report.warn(post.wp_id, f"redirection existante conservée : {old_path}")


def public_author_name(info: dict, login: str) -> str:
    """The name shown on articles. WordPress's display name defaults to the login, and some
    sites set it to an e-mail address: neither is published; first and last name are used then,
    else "La rédaction"."""
    display = (info.get("display_name") or "").strip()
    private = {login.strip().lower(), (info.get("email") or "").strip().lower()}
    if display and display.lower() not in private and "@" not in display:
        return html.unescape(display)[:255]
    full = " ".join(p for p in (info.get("first_name"), info.get("last_name")) if p).strip()
    if full and "@" not in full:
        return html.unescape(full)[:255]
    return "La rédaction"
