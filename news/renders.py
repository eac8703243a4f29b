"""Render on write: the expensive parts of each live article's public representation, stored.

What is stored (news.models.ArticleRender, one row per live article): the image data of the
lead image, the social image and the authors' photos (rendition URLs for the default spec and
every allowed width), the authors and topics as the API shows them, and for each body block its
rich text as sanitised HTML with public link URLs and its images' data. Everything else (title,
dates, the article's own URL, section, related links, inline articles) is read as today: it is
cheap, or depends on the request.

When: built after the commit of any change that bumps one of its tags (`render_tags`: the
article itself, the URLs of the pages it links to, its images, authors and topics, and
`structure` when it links to pages), inline by default.
The change itself deletes the stale rows in its own transaction, so a read never sees a stale
render: a missing one is computed afresh, as before, and the request never writes.

Bypassed (computed afresh): previews and drafts (never read from the table), another edition
or site (the stored URLs are for the edition root the render was built for), a render built by
other code or settings (`render_version`), and a render past `valid_until` (a linked page goes
live or expires then).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from wagtail.blocks import StructValue
from wagtail.models import Page, Site

from cms.graphql import dependencies as cache_dependencies
from cms.graphql.types import StoredImage, allowed_widths, default_image_spec
from news import body
from news.dependencies import STRUCTURE, address, page, shown_tags
from news.invalidation import address_may_change
from news.models import ArticlePage, ArticleRender, Author, RenderDependency, Topic
from news.richtext import StoredHtml, render_rich_text

logger = logging.getLogger(__name__)

# Bump when what is stored or how it is computed changes: older rows are then ignored.
VERSION = 1
CHUNK = 200
# Past this many renders made stale by one change (a section renamed under a large archive),
# they are left missing (read afresh) for `manage.py rebuild_renders --missing`.
INLINE_LIMIT = 2000
_TAG_PREFIXES = ("page:", "url:", "image:", "author:", "topic:")


def enabled() -> bool:
    return settings.KIOSQUE.get("RENDERS", "on") == "on"


def render_version() -> str:
    """The code version and every setting stored URLs depend on."""
    key = [
        VERSION,
        allowed_widths(),
        default_image_spec(),
        getattr(settings, "WAGTAILADMIN_BASE_URL", None),
        settings.MEDIA_URL,
        reverse("wagtail_serve", args=("",)),
    ]
    return hashlib.sha256(json.dumps(key).encode()).hexdigest()[:16]


# --- Reading ---------------------------------------------------------------------------------


class PageRef:
    """A page chooser's value by id: the public page is looked up when it is read."""

    __slots__ = ("pk",)

    def __init__(self, pk: int):
        self.pk = pk


def _image(data) -> StoredImage | None:
    return StoredImage(data) if data is not None else None


class Stored:
    """One render as resolvers read it, decoded lazily."""

    def __init__(self, row: ArticleRender):
        self.row = row
        self._card = None
        self._authors = None
        self._topics = None

    @property
    def card(self) -> dict:
        if self._card is None:
            self._card = json.loads(self.row.card)
        return self._card

    @property
    def tags(self) -> list[str]:
        return self.card["tags"]

    @property
    def lead_image(self) -> StoredImage | None:
        return _image(self.card["lead"])

    @property
    def social_image(self) -> StoredImage | None:
        return _image(self.card["social"])

    def authors(self) -> list[Author]:
        if self._authors is None:
            photo_field = Author._meta.get_field("photo")
            self._authors = []
            for pk, name, slug, role, bio, photo_id, photo in self.card["authors"]:
                author = Author(id=pk, name=name, slug=slug, role=role, bio=bio, photo_id=photo_id)
                if photo_id:
                    photo_field.set_cached_value(author, _image(photo))
                self._authors.append(author)
        return self._authors

    def topics(self) -> list[Topic]:
        if self._topics is None:
            self._topics = [
                Topic(id=pk, name=name, slug=slug, kind=kind)
                for pk, name, slug, kind in self.card["topics"]
            ]
        return self._topics

    def body_children(self, article: ArticlePage) -> list | None:
        """The body's blocks with the stored parts in place of rich text and images; None when
        the stored body does not match the article's (then the caller computes afresh)."""
        stored = json.loads(self.row.body)
        return body.decoded_children(
            article.body, images={}, pages={}, stored=stored, stored_values=_stored_value
        )


def _stored_value(kind: str, data):
    if kind == "richtext":
        return StoredHtml(data)
    if kind == "image":
        return _image(data)
    return PageRef(data) if data else None


def readable(row: ArticleRender | None, *, root_path: str | None, version: str) -> bool:
    """Whether a render may stand for a fresh computation for a request on `root_path`."""
    return (
        row is not None
        and row.version == version
        and root_path is not None
        and row.root_path == root_path
        and (row.valid_until is None or row.valid_until > timezone.now())
    )


# --- Building --------------------------------------------------------------------------------


class _BuildRequest(HttpRequest):
    """An anonymous request to the default site, built outside any HTTP exchange: its host is
    the site's, whatever ALLOWED_HOSTS lists (no client sent it)."""

    def __init__(self, site: Site | None):
        super().__init__()
        hostname, port = (site.hostname, site.port) if site is not None else ("localhost", 80)
        self.META["SERVER_NAME"], self.META["SERVER_PORT"] = hostname, str(port)
        self._host = f"{hostname}:{port}"

    def get_host(self):
        return self._host


def _build_loader(locale: str | None):
    """A loader for the default site's `locale` edition, as an anonymous request there has."""
    from news.loading import ArticleLoader

    request = _BuildRequest(Site.objects.filter(is_default_site=True).first())
    loader = ArticleLoader.for_info(_Info(request))
    loader.edition = locale
    return loader


class _Info:
    """What the resolvers read from a GraphQL `info`: the request."""

    def __init__(self, request):
        self.context = request


def _default_locale() -> str | None:
    from wagtail.models import Locale

    try:
        return Locale.get_default().language_code
    except Locale.DoesNotExist:
        return None


def _schedule_of(link_ids: set) -> dict[int, list[datetime]]:
    """{page id: the future moments it goes live or expires} for pages linked from rich text
    (their URLs change then), in one query."""
    if not link_ids:
        return {}
    now = timezone.now()
    moments: dict[int, list[datetime]] = {}
    rows = Page.objects.filter(pk__in=link_ids).values_list("pk", "go_live_at", "expire_at")
    for pk, go_live, expire in rows:
        found = [m for m in (go_live, expire) if m is not None and m > now]
        if found:
            moments[pk] = found
    return moments


def _card(article: ArticlePage, info) -> dict:
    def image_data(image):
        return StoredImage.data_of(image) if image is not None else None

    authors = []
    for author in article.author_list(info):
        photo = author.photo if author.photo_id else None
        authors.append([author.pk, author.name, author.slug, author.role, author.bio,
                        author.photo_id, image_data(photo)])  # fmt: skip
    # The images as the loader read them (facet "images"); the views are built when read.
    lead = article.lead_image if article.lead_image_id else None
    social = article.social_image if article.social_image_id else None
    return {
        "lead": image_data(lead),
        "social": image_data(social),
        "authors": authors,
        "topics": [[t.pk, t.name, t.slug, t.kind] for t in article.topic_list(info)],
    }


def _body(article: ArticlePage, info, loader) -> list:
    choosers = body.chooser_children()
    blocks = article.body.stream_block.child_blocks
    raw = [item for item in article.body.raw_data if item.get("type") in blocks]
    # Page choosers are stored by id and checked when read: no targets to load here.
    children = body.decoded_children(article.body, images=loader.images, pages={})
    stored = []
    for item, child in zip(raw, children, strict=True):
        kinds = choosers.get(child.block.name)
        if not kinds or not isinstance(child.value, StructValue):
            stored.append(None)
            continue
        entry = {}
        for name, kind in kinds.items():
            value = child.value.get(name)
            if kind == "richtext":
                entry[name] = render_rich_text(value, info=info)
            elif kind == "image":
                entry[name] = StoredImage.data_of(value) if value is not None else None
            else:
                raw_value = item.get("value")
                entry[name] = body.as_int(
                    raw_value.get(name) if isinstance(raw_value, dict) else None
                )
        stored.append(entry)
    return stored


def _build_group(articles: list[ArticlePage], locale: str | None, version: str) -> list:
    loader = _build_loader(locale)
    info = _Info(loader.request)
    root_path = loader.edition_root()[0]
    if root_path is None:
        return []
    loader.register(articles, ("authors", "topics", "images"))
    link_ids = set()
    for article in articles:
        link_ids |= loader.references(article)[2]
    loader.load_link_urls(link_ids)
    loader.fetch_images()
    schedule = _schedule_of(link_ids)
    built = []
    now = timezone.now()
    for article in articles:
        references = loader.references(article)
        card = _card(article, info)
        tags = render_tags(article, references)
        if references[1] or references[2]:
            # Linked pages' URLs and visibility follow sections, sites and restrictions.
            tags.add(STRUCTURE)
        card["tags"] = sorted(tags)
        moments = [m for pk in references[2] for m in schedule.get(pk, ())]
        row = ArticleRender(
            page_id=article.pk,
            version=version,
            root_path=root_path,
            card=json.dumps(card, separators=(",", ":")),
            body=json.dumps(_body(article, info, loader), separators=(",", ":")),
            valid_until=min(moments) if moments else None,
            built_at=now,
        )
        built.append((row, tags))
    return built


def render_tags(article: ArticlePage, references: tuple[set, set, set]) -> set[str]:
    """What a render is built from: the response cache's tags (shown_tags) less the pages it
    only names. Inline articles and related links are stored by id and read when served, and a
    rich-text link stores only its target's URL: it depends on that URL (`address`), not on
    every correction of the page behind it."""
    _image_ids, _inline_ids, link_ids = references
    tags = {t for t in shown_tags(article, references) if not t.startswith("page:")}
    tags.add(page(article.pk))
    tags.update(address(pk) for pk in link_ids)
    return tags


def _drop(pks) -> None:
    # By id only: a plain delete would read every stored body first.
    ArticleRender.objects.filter(pk__in=pks).only("pk").delete()


def build(pks: Iterable[int], *, since: datetime | None = None) -> int:
    """Rebuild the renders of the live articles among `pks` (others lose theirs), in chunks of
    CHUNK, each in its own transaction. Returns how many were built. `since`: skip the renders
    built after that moment (one change often asks several times: the page, its child rows)."""
    if not enabled():
        return 0
    pks = set(pks)
    version = render_version()
    if since is not None:
        pks -= set(
            ArticleRender.objects.filter(
                pk__in=pks, built_at__gt=since, version=version
            ).values_list("pk", flat=True)
        )
    pks = sorted(pks)
    default_locale = _default_locale()
    count = 0
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        with transaction.atomic():
            articles = list(
                ArticlePage.objects.live().filter(pk__in=chunk).select_related("locale")
            )
            by_locale: dict[str | None, list] = {}
            for article in articles:
                code = article.locale.language_code
                by_locale.setdefault(None if code == default_locale else code, []).append(article)
            built = []
            for locale, group in by_locale.items():
                built += _build_group(group, locale, version)
            _drop(chunk)
            ArticleRender.objects.bulk_create([row for row, _tags in built])
            RenderDependency.objects.bulk_create(
                [
                    RenderDependency(render_id=row.page_id, tag=t)
                    for row, tags in built
                    for t in tags
                ],
                batch_size=1000,
            )
        count += len(built)
    return count


def pending():
    """Live articles whose render is missing, of another version or past its `valid_until`
    (a linked page went live or expired since it was built): read afresh until rebuilt."""
    from django.db.models import Q

    current = ArticleRender.objects.filter(version=render_version()).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=timezone.now())
    )
    return ArticlePage.objects.live().exclude(pk__in=current.values("pk"))


def catch_up(limit: int = CHUNK) -> int:
    """Build up to `limit` pending renders, oldest articles last (the run_worker pass): what a
    change too large to rebuild inline, or a schedule, left to be read afresh."""
    if not enabled():
        return 0
    ids = list(
        pending().order_by("-first_published_at", "-pk").values_list("pk", flat=True)[:limit]
    )
    return build(ids) if ids else 0


# --- Invalidation ----------------------------------------------------------------------------


def affected(tags: Iterable[str]) -> set[int]:
    """Articles whose render `tags` make stale: those named, and those built from them."""
    tags = [t for t in tags if t.startswith(_TAG_PREFIXES) or t == STRUCTURE]
    pks = {int(t[5:]) for t in tags if t.startswith("page:") and t[5:].isdigit()}
    if tags:
        pks.update(
            RenderDependency.objects.filter(tag__in=tags).values_list("render_id", flat=True)
        )
    return pks


def on_change(tags: frozenset) -> None:
    """Called for every invalidation (cms.graphql.dependencies.register_change_listener): drop
    the stale renders now, in the change's transaction; rebuild them once it commits."""
    # Dropped even when renders are off, so turning them back on never serves a stale one.
    pks = affected(tags)
    if not pks:
        return
    _drop(pks)
    if not enabled():
        return
    if len(pks) > INLINE_LIMIT:
        logger.warning(
            "%d article renders are stale; run `manage.py rebuild_renders --missing`.", len(pks)
        )
        return
    _after_commit(pks)


def _after_commit(pks: set[int]) -> None:
    since = timezone.now()

    def rebuild():
        build(pks, since=since)

    transaction.on_commit(rebuild, robust=True)


def _article_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    # A live article saved outside publishing (scripts, the ORM) changes what it shows; a
    # revision's bookkeeping save (update_fields) does not.
    if not raw and update_fields is None and instance.live:
        tags = {page(instance.pk)}
        if address_may_change(instance):
            tags.add(address(instance.pk))
        on_change(frozenset(tags))


def pages_changed(pks: Iterable[int]) -> None:
    """For bulk writers that skip the page signals: these pages changed."""
    on_change(frozenset(tag for pk in pks for tag in (page(pk), address(pk))))


def _bulk_created(sender, ids=(), **kwargs):
    pages_changed(ids)


_SAVED_UID = "kiosque-render-saved"


def disconnect() -> None:
    """Hold back the page-by-page rebuild (a bulk writer announces its pages in batches)."""
    from django.db.models.signals import post_save

    post_save.disconnect(sender=ArticlePage, dispatch_uid=_SAVED_UID)


def connect() -> None:
    from django.db.models.signals import post_save

    from news.signals import articles_bulk_created

    cache_dependencies.register_change_listener(on_change)
    # Page.save is atomic and commits the authors and topics rows with the page: the rebuild,
    # after the commit, reads them all. Rows written on their own through the ORM (not through
    # a page save, set_topics or topics.set) are not seen, as by the response cache.
    post_save.connect(_article_saved, sender=ArticlePage, dispatch_uid=_SAVED_UID)
    articles_bulk_created.connect(_bulk_created, dispatch_uid="kiosque-render-bulk")
