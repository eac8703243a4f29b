"""Reads shared by the GraphQL resolvers, search and feeds.

Everything public goes through `published_articles` / `published_sections`: live, not behind a
view restriction, on the requesting site, and under a live section. Listing helpers then load
everything a card or a full article needs in a fixed number of queries, whatever the page size.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.db.models.functions import Length, Substr
from django.utils import timezone
from wagtail.blocks import PageChooserBlock, RichTextBlock, StreamValue, StructBlock
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page, PageViewRestriction, Site

from cms.graphql.interfaces import page_path
from cms.graphql.types import rendition_specs
from news.graphql import PublicRelatedLink
from news.models import (
    ArticleAuthor,
    ArticlePage,
    ArticleTopic,
    Author,
    RelatedLink,
    SectionPage,
    Topic,
)
from news.richtext import page_link_ids, safe_url

# Per-request memo, kept on the request object so nothing leaks between requests.
_MEMO = "_kiosque_memo"


def _memo(info) -> dict:
    request = getattr(info, "context", None)
    if request is None:
        return {}
    memo = getattr(request, _MEMO, None)
    if memo is None:
        memo = {}
        setattr(request, _MEMO, memo)
    return memo


def site_for(info) -> Site | None:
    request = getattr(info, "context", None)
    memo = _memo(info)
    if "site" not in memo:
        memo["site"] = Site.find_for_request(request) if request is not None else None
        if memo["site"] is None:
            memo["site"] = Site.objects.filter(is_default_site=True).first()
    return memo["site"]


def _load_root(info) -> None:
    memo = _memo(info)
    site = site_for(info)
    row = None
    if site is not None:
        row = Page.objects.filter(pk=site.root_page_id).values_list("path", "url_path").first()
    memo["root_path"], memo["root_url_path"] = row or (None, None)


def use_edition(info, locale: str | None) -> None:
    """Read the `locale` edition of the site (None: its default one) for the current root field."""
    _memo(info)["edition"] = locale


def _edition_root(info, locale: str | None) -> tuple[str | None, str | None]:
    """(path, url_path) of the site's home page, or of its translation in `locale`."""
    memo = _memo(info)
    if "root_path" not in memo:
        _load_root(info)
    if locale is None or memo["root_path"] is None:
        return memo["root_path"], memo["root_url_path"]
    key = f"edition_root:{locale}"
    if key not in memo:
        home = Page.objects.filter(path=memo["root_path"])
        memo[key] = Page.objects.filter(
            translation_key__in=home.values("translation_key"), locale__language_code=locale
        ).values_list("path", "url_path").first() or (None, None)
    return memo[key]


def site_root(info, locale: str | None = None) -> str | None:
    """Tree path of the site's root page for the current edition (one query per request)."""
    return _edition_root(info, locale or _memo(info).get("edition"))[0]


def site_root_url_path(info) -> str | None:
    return _edition_root(info, _memo(info).get("edition"))[1]


def edition_root_paths(info) -> list[str]:
    """Paths of the site's home page and all its translations."""
    root_path = site_root(info)
    if root_path is None:
        return []
    home = Page.objects.filter(path=root_path)
    return list(
        Page.objects.filter(translation_key__in=home.values("translation_key")).values_list(
            "path", flat=True
        )
    )


def exclude_scheduled(qs: QuerySet) -> QuerySet:
    """Hide pages past their expiry (Wagtail unpublishes them only when its scheduler runs)
    or not yet due to go live."""
    now = timezone.now()
    return qs.exclude(expire_at__lte=now).exclude(Q(live=True) & Q(go_live_at__gt=now))


def under_visible_sections(qs: QuerySet, root_paths: Iterable[str], private) -> QuerySet:
    """Keep the site roots, the sections right under them, and pages whose section is live,
    public and on schedule, within the same query. Wagtail leaves children live when a section
    is unpublished or expires, so a page being live and public itself is not enough; the
    page-tree rules (articles only under sections, sections only under the home page) make the
    section the only ancestor to check."""
    steplen = Page.steplen
    reachable = Q()
    for root in root_paths:
        depth = len(root) // steplen
        sections = published_sections(root_path=root, private=private).values("path")
        reachable |= Q(path__startswith=root, depth__lte=depth + 1)
        reachable |= Q(path__startswith=root, depth=depth + 2, parent_path__in=sections)
    parent = Substr("path", 1, Length("path") - steplen)
    return qs.annotate(parent_path=parent).filter(reachable)


def _on_schedule(expire_at, go_live_at, now) -> bool:
    return not (expire_at is not None and expire_at <= now) and not (
        go_live_at is not None and go_live_at > now
    )


def private_paths(info) -> list[str]:
    """Tree paths of every page behind a view restriction, read once per request.

    Wagtail's `.public()` reads the restrictions again on every call."""
    memo = _memo(info)
    if "private_paths" not in memo:
        memo["private_paths"] = list(
            PageViewRestriction.objects.values_list("page__path", flat=True)
        )
    return memo["private_paths"]


def without_private(qs, paths: list[str] | None):
    """Pages not under a view restriction: `paths` from `private_paths` (read once per request),
    or Wagtail's own `.public()` when there is no request to memoise it in."""
    if paths is None:
        return qs.public()
    for path in paths:
        qs = qs.exclude(path__startswith=path)
    return qs


def published_sections(
    *, root_path: str | None, private: list[str] | None = None
) -> QuerySet[SectionPage]:
    qs = exclude_scheduled(without_private(SectionPage.objects.live(), private))
    if root_path is None:
        return qs.none()
    return qs.filter(path__startswith=root_path, depth=len(root_path) // Page.steplen + 1)


def published_articles(
    *,
    root_path: str | None,
    section: str | None = None,
    topic: str | None = None,
    author: str | None = None,
    private: list[str] | None = None,
    children: list[tuple[str, str, bool]] | None = None,
) -> QuerySet[ArticlePage]:
    """Live, public articles of one site whose section is live and public too.

    `private` (from `private_paths`) saves re-reading view restrictions within a request;
    `children` (from `root_children`) turns the section check into plain path filters, which
    lets the database walk the publication-date index and stop after one page of results
    (the subquery form sorts every article of the site: 1.4 s at 100,000 on PostgreSQL)."""
    qs = exclude_scheduled(without_private(ArticlePage.objects.live(), private))
    if root_path is None:
        return qs.none()
    if children is not None:
        return _articles_under(qs, root_path, children, section, topic, author)
    sections = published_sections(root_path=root_path, private=private)
    if section is not None:
        sections = sections.filter(slug=section)
    parent_len = len(root_path) + Page.steplen
    qs = qs.annotate(parent_path=Substr("path", 1, parent_len)).filter(
        parent_path__in=sections.values("path")
    )
    return _by_topic_and_author(qs, topic, author).order_by("-published_at", "-pk")


def _articles_under(qs, root_path, children, section, topic, author):
    depth = len(root_path) // Page.steplen + 2
    qs = qs.filter(path__startswith=root_path, depth=depth)
    if section is not None:
        paths = [path for path, slug, visible in children if visible and slug == section]
        if not paths:
            return qs.none()
        qs = qs.filter(path__startswith=paths[0])
    visible = [path for path, _slug, shown in children if shown]
    if not visible:
        return qs.none()
    # Articles only live under sections: "under one of the visible sections" is the whole check.
    under = Q()
    for path in visible:
        under |= Q(path__startswith=path)
    # Every live article has a publication date (ArticlePage.save sets it; cursors need it).
    # Saying so lets SQLite's planner walk the date index instead of sorting every page: 0.1 ms
    # instead of 5 ms at 1,000 articles (PostgreSQL already walks it).
    qs = qs.filter(under, published_at__isnull=False)
    return _by_topic_and_author(qs, topic, author).order_by("-published_at", "-pk")


def _by_topic_and_author(qs, topic: str | None, author: str | None) -> QuerySet:
    """Filter by ids read first, not by slugs joined in: with a literal id, PostgreSQL's
    statistics say how many articles carry the topic, so it starts from the few links of a
    rare topic instead of walking the whole date index (238 ms at 100,000 articles for a topic
    with one article) and still walks the index for a common one."""
    if topic is not None:
        topic_id = Topic.objects.filter(slug=topic).values_list("pk", flat=True).first()
        if topic_id is None:
            return qs.none()
        qs = qs.filter(topics__id=topic_id)
    if author is not None:
        author_id = Author.objects.filter(slug=author).values_list("pk", flat=True).first()
        if author_id is None:
            return qs.none()
        qs = qs.filter(article_authors__author_id=author_id)
    return qs


def root_children(info) -> list[tuple[str, str, bool]]:
    """(path, slug, is live and public) of each section right under the site root, read once
    per request."""
    memo = _memo(info)
    root_path = site_root(info)
    key = f"root_children:{root_path}"
    if key not in memo:
        children = []
        now = timezone.now()
        if root_path is not None:
            private = private_paths(info)
            section_type = ContentType.objects.get_for_model(SectionPage).pk
            # Through the (small) section table: the page table has no index to find a
            # page's children without scanning its descendants.
            rows = SectionPage.objects.filter(
                path__startswith=root_path, depth=len(root_path) // Page.steplen + 1
            ).values_list("path", "slug", "live", "content_type_id", "expire_at", "go_live_at")
            for path, slug, live, type_id, expire_at, go_live_at in rows:
                visible = (
                    live
                    and _on_schedule(expire_at, go_live_at, now)
                    and type_id == section_type
                    and not any(path.startswith(p) for p in private)
                )
                children.append((path, slug, visible))
        memo[key] = children
    return memo[key]


def with_article_data(qs: QuerySet[ArticlePage], *, images: bool = True) -> QuerySet[ArticlePage]:
    """Everything the public article type reads, fetched with the articles in a few queries.

    `images=False` leaves lead and social images to `prepare_articles`, which loads them
    together with body images in one query."""
    qs = qs.select_related("locale").prefetch_related(*_ARTICLE_PREFETCHES())
    if images:
        image_qs = get_image_model().objects.prefetch_renditions(*rendition_specs())
        qs = qs.prefetch_related(
            Prefetch("lead_image", queryset=image_qs),
            Prefetch("social_image", queryset=image_qs),
        )
    return qs


def public_articles(info, *, listing: bool = False, **filters) -> QuerySet[ArticlePage]:
    """`published_articles` for the requesting site, with the request's memoised restrictions.

    `listing=True` (ordered pages of many articles) reads the root's children first so the
    database can walk the date index; lookups by id or path do without that query."""
    return published_articles(
        root_path=site_root(info),
        private=private_paths(info),
        children=root_children(info) if listing else None,
        **filters,
    )


# Stream blocks whose StructBlock children choose images or pages: {block type: {child: kind}}.
def _chooser_children() -> dict[str, dict[str, str]]:
    found = {}
    for name, block in ArticlePage.body.field.stream_block.child_blocks.items():
        if not isinstance(block, StructBlock):
            continue
        kinds = {}
        for child_name, child in block.child_blocks.items():
            if isinstance(child, ImageChooserBlock):
                kinds[child_name] = "image"
            elif isinstance(child, PageChooserBlock):
                kinds[child_name] = "page"
            elif isinstance(child, RichTextBlock):
                kinds[child_name] = "richtext"
        if kinds:
            found[name] = kinds
    return found


_CHOOSERS: dict[str, dict[str, str]] | None = None


def _choosers() -> dict[str, dict[str, str]]:
    global _CHOOSERS  # noqa: PLW0603
    if _CHOOSERS is None:
        _CHOOSERS = _chooser_children()
    return _CHOOSERS


def _raw_body(article: ArticlePage) -> list[dict] | None:
    """The stored JSON of the body, or None when the value was built in Python."""
    raw = getattr(article.body, "_raw_data", None)
    if raw is None or any(item is None for item in raw):
        return None
    return raw


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _scan_body(article: ArticlePage, image_ids: set, page_ids: set, link_ids: set) -> None:
    raw = _raw_body(article)
    if raw is None:
        return
    choosers = _choosers()
    for item in raw:
        kinds = choosers.get(item.get("type"))
        value = item.get("value")
        if not kinds or not isinstance(value, dict):
            continue
        for child, kind in kinds.items():
            if kind == "image":
                pk = _as_int(value.get(child))
                if pk:
                    image_ids.add(pk)
            elif kind == "page":
                pk = _as_int(value.get(child))
                if pk:
                    page_ids.add(pk)
            elif isinstance(value.get(child), str):
                link_ids.update(page_link_ids(value[child]))


def _load_images(ids: set, memo: dict) -> dict:
    images = memo.setdefault("images", {})
    missing = ids - images.keys()
    if missing:
        found = (
            get_image_model()
            .objects.prefetch_renditions(*rendition_specs())
            .in_bulk(list(missing))
        )
        for pk in missing:
            images[pk] = found.get(pk)
    return images


def _load_link_urls(ids: set, info) -> dict:
    """Public path of every live, public page of the site among `ids` (None for the others)."""
    memo = _memo(info)
    urls = memo.setdefault("link_urls", {})
    missing = ids - urls.keys()
    root_path = site_root(info)
    if missing and root_path is not None:
        private = private_paths(info)
        pages = exclude_scheduled(without_private(Page.objects.live(), private))
        pages = under_visible_sections(pages.filter(pk__in=missing), [root_path], private)
        for page in pages.only("id", "path", "url_path", "depth"):
            urls[page.pk] = page_path(page, info)
    for pk in missing:
        urls.setdefault(pk, None)
    return urls


def page_urls_for_links(ids: set, info) -> dict:
    return _load_link_urls(set(ids), info)


def prepare_articles(
    articles: Iterable[ArticlePage], *, info, facets: Iterable[str] = ()
) -> list[ArticlePage]:
    """Register a batch of articles for this request; what they show is then loaded lazily,
    one facet at a time for every registered article at once, the first time a resolver asks
    for it. So each selected field costs a fixed number of queries whatever the page size, and
    fields nobody selected cost nothing.

    Facets: `authors` (with photos), `topics`, `links` (related links and their public
    targets), `section`, `images` (lead and social images with renditions) and `body` (body
    images, inline related articles, rich-text link URLs). Articles reached through links and
    inline blocks are registered too."""
    requested = list(articles)
    memo = _memo(info)
    seen = memo.setdefault("seen", {})
    for article in requested:
        seen.setdefault(id(article), article)
    for facet in facets:
        _load_facet(facet, info, memo)
    return requested


def _load_facet(facet: str, info, memo) -> None:
    todo = [a for a in memo.get("seen", {}).values() if facet not in _facets(a)]
    # Loaders may register more articles (targets); those get the facet on a later call.
    for article in todo:
        _facets(article).add(facet)
    if todo:
        _LOADERS[facet](todo, info, memo)


def _facets(article) -> set:
    facets = getattr(article, "_kiosque_facets", None)
    if facets is None:
        facets = article._kiosque_facets = set()
    return facets


def _load_targets(info, memo) -> dict:
    """Fetch, in one query, every target known so far: those asked for, plus the inline
    related articles of every registered body (so the body facet needs no query of its own)."""
    targets = memo.setdefault("targets", {})
    wanted = memo.pop("wanted_targets", set())
    for article in list(memo.get("seen", {}).values()):
        wanted |= _scan(article)[1]
    wanted -= targets.keys()
    if wanted:
        found = {p.pk: p for p in public_articles(info).filter(pk__in=wanted)}
        for pk in wanted:
            targets[pk] = found.get(pk)
        seen = memo.setdefault("seen", {})
        for article in found.values():
            seen.setdefault(id(article), article)
    return targets


def _scan(article) -> tuple[set, set, set]:
    """(image ids, inline article ids, rich-text link ids) of a body, read once per object."""
    found = getattr(article, "_kiosque_scan", None)
    if found is None:
        found = (set(), set(), set())
        _scan_body(article, *found)
        article._kiosque_scan = found
    return found


def _load_all_images(memo) -> dict:
    """One query (plus renditions) for every image the registered articles may show: lead,
    social, body and, when authors are loaded, their photos."""
    ids = set()
    for article in memo.get("seen", {}).values():
        ids.update(pk for pk in (article.lead_image_id, article.social_image_id) if pk)
        ids |= _scan(article)[0]
        ids.update(
            link.author.photo_id
            for link in _prefetched(article, "article_authors")
            if link.author.photo_id
        )
    return _load_images(ids, memo)


def _want_targets(ids: set, memo) -> None:
    memo.setdefault("wanted_targets", set()).update(ids)


def _prefetch(articles, name, queryset=None) -> None:
    # A preview's page holds its inline rows in memory (modelcluster) and may not be saved yet:
    # those rows are the draft's, so they are read as they are, never fetched.
    unfetched = [
        a
        for a in articles
        if a.pk is not None
        and name not in getattr(a, "_prefetched_objects_cache", {})
        and name not in getattr(a, "_cluster_related_objects", {})
    ]
    if unfetched:
        prefetch_related_objects(unfetched, Prefetch(name, queryset=queryset))


def _load_authors(articles, info, memo) -> None:
    _prefetch(
        articles,
        "article_authors",
        ArticleAuthor.objects.select_related("author").order_by("sort_order"),
    )
    _attach_author_photos(articles, memo)


def _load_topics(articles, info, memo) -> None:
    _prefetch(articles, "article_topics", _ordered_topics())


def _load_links(articles, info, memo) -> None:
    _prefetch(articles, "related_links", RelatedLink.objects.order_by("sort_order"))
    ids = {
        link.target_page_id
        for a in articles
        for link in a.related_links.all()
        if link.target_page_id
    }
    _want_targets(ids, memo)
    _load_targets(info, memo)


def _load_sections(articles, info, memo) -> None:
    steplen = Page.steplen
    sections = memo.setdefault("sections", {})
    missing = {a.path[:-steplen] for a in articles} - sections.keys()
    if missing:
        qs = published_sections(root_path=site_root(info), private=private_paths(info))
        for section in qs.filter(path__in=missing):
            sections[section.path] = section
        for path in missing:
            sections.setdefault(path, None)
    for article in articles:
        article._kiosque_section = sections.get(article.path[:-steplen])


def _load_body(articles, info, memo) -> None:
    link_ids = set()
    for article in articles:
        link_ids |= _scan(article)[2]
    _load_targets(info, memo)
    if link_ids:
        _load_link_urls(link_ids, info)
    _load_all_images(memo)


def _load_lead_images(articles, info, memo) -> None:
    images = _load_all_images(memo)
    lead_field = ArticlePage._meta.get_field("lead_image")
    social_field = ArticlePage._meta.get_field("social_image")
    for article in articles:
        if article.lead_image_id:
            lead_field.set_cached_value(article, images.get(article.lead_image_id))
        if article.social_image_id:
            social_field.set_cached_value(article, images.get(article.social_image_id))


def _attach_author_photos(articles, memo) -> None:
    authors = [link.author for a in articles for link in _prefetched(a, "article_authors")]
    if not any(author.photo_id for author in authors):
        return
    images = _load_all_images(memo)
    photo_field = Author._meta.get_field("photo")
    for author in authors:
        if author.photo_id:
            photo_field.set_cached_value(author, images.get(author.photo_id))


def _prefetched(article, name):
    return getattr(article, "_prefetched_objects_cache", {}).get(name, ())


_LOADERS = {
    "authors": _load_authors,
    "topics": _load_topics,
    "links": _load_links,
    "section": _load_sections,
    "images": _load_lead_images,
    "body": _load_body,
}


def _ordered_topics():
    # The order the editor set (ArticlePage.set_topics).
    return ArticleTopic.objects.select_related("topic").order_by("sort_order", "pk")


def _ARTICLE_PREFETCHES():  # noqa: N802
    return (
        Prefetch(
            "article_authors",
            queryset=ArticleAuthor.objects.select_related("author").order_by("sort_order"),
        ),
        Prefetch("article_topics", queryset=_ordered_topics()),
        Prefetch("related_links", queryset=RelatedLink.objects.order_by("sort_order")),
    )


def ensure_prepared(article: ArticlePage, *, info, facet: str) -> None:
    """Load one facet for this article and every other article of the request lacking it."""
    if facet not in _facets(article):
        memo = _memo(info)
        memo.setdefault("seen", {}).setdefault(id(article), article)
        _load_facet(facet, info, memo)


def section_for_article(article: ArticlePage, *, info) -> SectionPage | None:
    ensure_prepared(article, info=info, facet="section")
    return getattr(article, "_kiosque_section", None)


def public_related_links(article: ArticlePage, *, info) -> list[PublicRelatedLink]:
    """Related links with internal targets that are not live and public dropped."""
    ensure_prepared(article, info=info, facet="links")
    targets = _memo(info).get("targets", {})
    links = []
    for link in article.related_links.all():
        if link.target_page_id:
            target = targets.get(link.target_page_id)
            if target is None:
                continue
            links.append(
                PublicRelatedLink(
                    title=link.title or target.title,
                    url=page_path(target, info) or "",
                    page=target,
                )
            )
        elif safe_url(link.url):
            links.append(PublicRelatedLink(title=link.title or link.url, url=link.url.strip()))
    return links


def body_children(article: ArticlePage, *, info) -> list:
    """The body's blocks with image and page choosers read from the batch `prepare_articles`
    loaded, instead of one query per block type and article."""
    raw = _raw_body(article)
    if raw is None:
        return list(article.body)
    ensure_prepared(article, info=info, facet="body")
    memo = _memo(info)
    images = memo.get("images", {})
    targets = memo.get("targets", {})
    stream_block = article.body.stream_block
    choosers = _choosers()
    children = []
    for item in raw:
        block = stream_block.child_blocks.get(item.get("type"))
        if block is None:
            continue
        value = item.get("value")
        kinds = choosers.get(block.name)
        if kinds and isinstance(value, dict):
            parts = []
            for name, child in block.child_blocks.items():
                if name not in value:
                    parts.append((name, child.get_default()))
                elif kinds.get(name) == "image":
                    parts.append((name, images.get(_as_int(value[name]))))
                elif kinds.get(name) == "page":
                    parts.append((name, targets.get(_as_int(value[name]))))
                else:
                    parts.append((name, child.to_python(value[name])))
            native = block._to_struct_value(parts)
        else:
            native = block.to_python(value)
        children.append(StreamValue.StreamChild(block, native, id=item.get("id")))
    return children


def public_page_or_none(page: Page | None, *, info) -> ArticlePage | None:
    """The live, public article behind a chooser value, or None."""
    if page is None:
        return None
    memo = _memo(info)
    targets = memo.setdefault("targets", {})
    if page.pk not in targets:
        _want_targets({page.pk}, memo)
        _load_targets(info, memo)
    return targets[page.pk]


def featured_articles(home, *, info) -> list[ArticlePage]:
    ids = [item.article_id for item in home.featured.all()]
    if not ids:
        return []
    found = {a.pk: a for a in public_articles(info).select_related("locale").filter(pk__in=ids)}
    return prepare_articles([found[pk] for pk in ids if pk in found], info=info)


def public_home(*, info):
    from home.models import HomePage

    root_path = site_root(info)
    if root_path is None:
        return None
    return (
        exclude_scheduled(without_private(HomePage.objects.live(), private_paths(info)))
        .filter(path=root_path)
        .first()
    )


def article_by(*, info, url_path=None, slug=None, pk=None) -> ArticlePage | None:
    qs = public_articles(info).select_related("locale")
    if pk is not None:
        qs = qs.filter(pk=pk)
    if slug is not None:
        qs = qs.filter(slug=slug)
    if url_path is not None:
        root = site_root_url_path(info) or "/"
        path = "/" + url_path.strip("/") + "/"
        qs = qs.filter(url_path=root.rstrip("/") + path)
    article = qs.first()
    if article is None:
        return None
    return prepare_articles([article], info=info)[0]
