"""The request's loader: one object per request that reads the site, its edition and its view
restrictions once, and loads what the requested articles show in batches.

Articles are registered as resolvers return them; what they show is loaded lazily, one facet at
a time for every registered article at once, the first time a resolver asks for it. So each
selected field costs a fixed number of queries whatever the page size, and fields nobody
selected cost nothing. Facets: `authors` (with photos), `topics`, `links` (related links and
their public targets), `section`, `images` (lead and social images with renditions) and `body`
(body images, inline related articles, rich-text link URLs). Articles reached through links
and inline blocks are registered too.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site

from cms import keyset, sites, upstream
from cms.graphql import context
from cms.graphql.interfaces import page_path
from cms.graphql.types import rendition_specs
from cms.prepared import DATETIME, INT, TEXT, Many, PreparedQuery
from news import body, renders, visibility
from news.models import (
    ArticleAuthor,
    ArticlePage,
    ArticleTopic,
    Author,
    RelatedLink,
    SectionPage,
)

FACETS = ("authors", "topics", "links", "section", "images", "body")


def authors_prefetch() -> Prefetch:
    return Prefetch(
        "article_authors",
        queryset=ArticleAuthor.objects.select_related("author").order_by("sort_order"),
    )


def topics_prefetch() -> Prefetch:
    # In the order the editor set (ArticlePage.set_topics).
    return Prefetch(
        "article_topics",
        queryset=ArticleTopic.objects.select_related("topic").order_by("sort_order", "pk"),
    )


def links_prefetch() -> Prefetch:
    return Prefetch("related_links", queryset=RelatedLink.objects.order_by("sort_order"))


class ArticleLoader(context.RequestLoader):
    """Everything one request has read, so that nothing is read twice."""

    def __init__(self, request=None):
        super().__init__(request)
        self.edition: str | None = None  # language code of the edition read; None: the default
        self._site: Site | None = None
        self._site_read = False
        self._root: tuple[str | None, str | None] | None = None
        self._edition_roots: dict[str, tuple[str | None, str | None]] = {}
        self._all_edition_roots: list[str] | None = None
        self._private: list[str] | None = None
        self._root_sections: dict[str | None, list] = {}
        self.articles: dict[int, ArticlePage] = {}  # registered, by id(), for this request
        self._facets: dict[int, set] = {}
        self._references: dict[int, tuple[set, set, set]] = {}
        self.images: dict[int, object] = {}
        self.targets: dict[int, ArticlePage | None] = {}  # public articles linked to, by pk
        self._wanted_targets: set[int] = set()
        self.link_urls: dict[int, str | None] = {}
        self.sections: dict[str, SectionPage | None] = {}  # by tree path
        self._renders: dict[int, object] = {}  # stored renders read, by id() of the article
        self._render_version: str | None = None

    # --- The site, its editions and its restrictions ------------------------------------

    @property
    def site(self) -> Site | None:
        if not self._site_read:
            if self.request is not None:
                self._site = sites.find_for_request(self.request)
            if self._site is None:
                default = Site.objects.filter(is_default_site=True).select_related("root_page")
                self._site = default.first()
            self._site_read = True
        return self._site

    def _default_root(self) -> tuple[str | None, str | None]:
        if self._root is None:
            site = self.site
            row = None
            if site is not None and Site._meta.get_field("root_page").is_cached(site):
                # Wagtail's site lookup reads the root page with the site: no second query.
                row = (site.root_page.path, site.root_page.url_path)
            elif site is not None:
                row = Page.objects.filter(pk=site.root_page_id)
                row = row.values_list("path", "url_path").first()
            self._root = row or (None, None)
            self.root_url_path = self._root[1]
        return self._root

    def edition_root(self, locale: str | None = None) -> tuple[str | None, str | None]:
        """(path, url_path) of the site's home page in `locale` (default: the edition read)."""
        locale = locale or self.edition
        root = self._default_root()
        if locale is None or root[0] is None:
            return root
        if locale not in self._edition_roots:
            home = Page.objects.filter(path=root[0])
            self._edition_roots[locale] = Page.objects.filter(
                translation_key__in=home.values("translation_key"), locale__language_code=locale
            ).values_list("path", "url_path").first() or (None, None)
        return self._edition_roots[locale]

    def all_edition_roots(self) -> list[str]:
        """Tree paths of the site's home page in every edition."""
        if self._all_edition_roots is None:
            root_path = self.edition_root()[0]
            self._all_edition_roots = []
            if root_path is not None:
                home = Page.objects.filter(path=root_path)
                self._all_edition_roots = list(
                    Page.objects.filter(
                        translation_key__in=home.values("translation_key")
                    ).values_list("path", flat=True)
                )
        return self._all_edition_roots

    @property
    def private_paths(self) -> list[str]:
        """Tree paths of every page behind a view restriction (Wagtail's `.public()` would
        read them again on every call)."""
        if self._private is None:
            self._private = _RESTRICTED.fetch()
        return self._private

    def root_sections(self) -> list[tuple[str, str, bool]]:
        root_path = self.edition_root()[0]
        if root_path not in self._root_sections:
            rows = _ROOT_SECTION_ROWS.fetch(root_path) if root_path is not None else []
            self._root_sections[root_path] = visibility.root_sections(
                root_path, self.private_paths, rows
            )
        return self._root_sections[root_path]

    def articles_query(self, *, listing: bool = False, **filters) -> QuerySet[ArticlePage]:
        """`published_articles` for the requesting site and edition.

        `listing=True` (ordered pages of many articles) reads the root's sections first so the
        database can walk the date index; lookups by id or path do without that query."""
        return visibility.published_articles(
            root_path=self.edition_root()[0],
            private=self.private_paths,
            children=self.root_sections() if listing else None,
            **filters,
        )

    def listing_page(self, *, first: int, position=None, section: str | None = None):
        """Up to `first` public articles of the listing (newest first), after the cursor
        `position` ((published_at, pk) or None), read with their stored renders."""
        shape = (*self._public_shape(), tuple(self.root_sections()), section, first)
        if position is None:
            return _LISTING.fetch(*shape, now=timezone.now())
        published_at, pk = position
        return _LISTING_AFTER.fetch(*shape, now=timezone.now(), published_at=published_at, pk=pk)

    def public_article(self, field: str, value) -> ArticlePage | None:
        """The live, public article whose `field` ("url_path", "slug" or "pk") is `value`,
        read with its stored render."""
        rows = _ARTICLE_BY[field].fetch(*self._public_shape(), now=timezone.now(), value=value)
        return rows[0] if rows else None

    def public_articles(self, pks: list[int]) -> dict[int, ArticlePage]:
        """The live, public articles among `pks`, by id, read with their stored renders."""
        rows = _BY_IDS.fetch(*self._public_shape(), now=timezone.now(), pks=sorted(set(pks)))
        return {article.pk: article for article in rows}

    def _public_shape(self) -> tuple[str | None, tuple[str, ...]]:
        """What the prepared public reads' SQL depends on: the edition's root, the restrictions."""
        return self.edition_root()[0], tuple(self.private_paths)

    def sections_query(self) -> QuerySet[SectionPage]:
        root_path = self.edition_root()[0]
        return visibility.published_sections(root_path=root_path, private=self.private_paths)

    # --- Articles and their facets ------------------------------------------------------

    def register(self, articles: Iterable[ArticlePage], facets: Iterable[str] = ()) -> list:
        requested = list(articles)
        for article in requested:
            self.articles.setdefault(id(article), article)
        for facet in facets:
            self._load_facet(facet)
        return requested

    def ensure(self, article: ArticlePage, facet: str) -> None:
        """Load `facet` for this article and every other registered article lacking it."""
        if facet not in self._facets.get(id(article), ()):
            self.articles.setdefault(id(article), article)
            self._load_facet(facet)

    def _load_facet(self, facet: str) -> None:
        todo = [a for a in self.articles.values() if facet not in self._facets.get(id(a), ())]
        # Loaders may register more articles (targets); those get the facet on a later call.
        for article in todo:
            self._facets.setdefault(id(article), set()).add(facet)
        if todo:
            getattr(self, f"_load_{facet}")(todo)

    def references(self, article: ArticlePage) -> tuple[set, set, set]:
        """(image ids, inline article ids, rich-text link ids) of a body, read once."""
        if id(article) not in self._references:
            self._references[id(article)] = body.references(article.body)
        return self._references[id(article)]

    def stored_render(self, article: ArticlePage):
        """The article's stored render (news.renders) when it may stand for a fresh computation
        for this request, else None. Only a render read with the article counts (the public
        lookups select it): a draft or preview never has one."""
        key = id(article)
        if key not in self._renders:
            self._renders[key] = None
            field = ArticlePage._meta.get_field("render")
            if article.pk is not None and field.is_cached(article) and renders.enabled():
                if self._render_version is None:
                    self._render_version = renders.render_version()
                row = field.get_cached_value(article)
                root_path = self.edition_root()[0]
                if renders.readable(row, root_path=root_path, version=self._render_version):
                    self._renders[key] = renders.Stored(row)
        return self._renders[key]

    def stored_renders(self) -> list:
        """Renders this request has read instead of computing (their tags are its tags)."""
        return [render for render in self._renders.values() if render is not None]

    def section_of(self, article: ArticlePage) -> SectionPage | None:
        self.ensure(article, "section")
        return self.sections.get(article.path[: -Page.steplen])

    def public_target(self, pk: int) -> ArticlePage | None:
        """The live, public article `pk`, read with every other target known so far."""
        if pk not in self.targets:
            self._wanted_targets.add(pk)
            self._load_targets()
        return self.targets[pk]

    def _load_targets(self) -> None:
        """Fetch, in one query, every target known so far: those asked for, plus the inline
        related articles of every registered body (so the body facet needs no query)."""
        wanted, self._wanted_targets = self._wanted_targets, set()
        for article in list(self.articles.values()):
            wanted |= self.references(article)[1]
        wanted -= self.targets.keys()
        if wanted:
            rows = _TARGETS.fetch(*self._public_shape(), now=timezone.now(), pks=sorted(wanted))
            found = {p.pk: p for p in rows}
            for pk in wanted:
                self.targets[pk] = found.get(pk)
            for article in found.values():
                self.articles.setdefault(id(article), article)

    def fetch_images(self) -> dict:
        """Every image the registered articles may show, by id (None: missing), renditions
        prefetched."""
        return self._fetch_images()

    def _fetch_images(self) -> dict:
        """One query (plus renditions) for every image the registered articles may show:
        lead, social, body and, when authors are loaded, their photos."""
        ids = set()
        for article in self.articles.values():
            ids.update(pk for pk in (article.lead_image_id, article.social_image_id) if pk)
            ids |= self.references(article)[0]
            authors = upstream.prefetched(article, "article_authors") or ()
            ids.update(link.author.photo_id for link in authors if link.author.photo_id)
        missing = ids - self.images.keys()
        if missing:
            images = get_image_model().objects.prefetch_renditions(*rendition_specs())
            found = images.in_bulk(list(missing))
            for pk in missing:
                self.images[pk] = found.get(pk)
        return self.images

    def load_link_urls(self, ids: set) -> dict:
        """Public path of every live, public page of the site among `ids` (None for others)."""
        missing = set(ids) - self.link_urls.keys()
        root_path = self.edition_root()[0]
        if missing and root_path is not None:
            private = self.private_paths
            pages = visibility.exclude_scheduled(
                visibility.without_private(Page.objects.live(), private)
            )
            pages = visibility.under_visible_sections(
                pages.filter(pk__in=missing), [root_path], private
            )
            info = _InfoOf(self.request)
            for page in pages.only("id", "path", "url_path", "depth"):
                self.link_urls[page.pk] = page_path(page, info)
        for pk in missing:
            self.link_urls.setdefault(pk, None)
        return self.link_urls

    # Facet loaders: each is given the registered articles still lacking the facet.

    def _load_authors(self, articles) -> None:
        _prefetch(articles, authors_prefetch())
        authors = [
            link.author
            for a in articles
            for link in upstream.prefetched(a, "article_authors") or ()
        ]
        if any(author.photo_id for author in authors):
            images = self._fetch_images()
            photo_field = Author._meta.get_field("photo")
            for author in authors:
                if author.photo_id:
                    photo_field.set_cached_value(author, images.get(author.photo_id))

    def _load_topics(self, articles) -> None:
        _prefetch(articles, topics_prefetch())

    def _load_links(self, articles) -> None:
        _prefetch(articles, links_prefetch())
        self._wanted_targets |= {
            link.target_page_id
            for a in articles
            for link in a.related_links.all()
            if link.target_page_id
        }
        self._load_targets()

    def _load_section(self, articles) -> None:
        steplen = Page.steplen
        missing = {a.path[:-steplen] for a in articles} - self.sections.keys()
        if missing:
            rows = _SECTIONS_AT.fetch(
                *self._public_shape(), now=timezone.now(), paths=sorted(missing)
            )
            for section in rows:
                self.sections[section.path] = section
            for path in missing:
                self.sections.setdefault(path, None)

    def _load_body(self, articles) -> None:
        link_ids = set()
        for article in articles:
            link_ids |= self.references(article)[2]
        self._load_targets()
        if link_ids:
            self.load_link_urls(link_ids)
        self._fetch_images()

    def _load_images(self, articles) -> None:
        images = self._fetch_images()
        lead_field = ArticlePage._meta.get_field("lead_image")
        social_field = ArticlePage._meta.get_field("social_image")
        for article in articles:
            if article.lead_image_id:
                lead_field.set_cached_value(article, images.get(article.lead_image_id))
            if article.social_image_id:
                social_field.set_cached_value(article, images.get(article.social_image_id))


# The public reads every uncached article request makes, compiled once per site, edition and
# set of restrictions (cms.prepared); `now` and the looked-up values are bound per request.
RENDER_RELATED = ("locale", "render")


def _article_by(field, root_path, private, *, now, value):
    articles = visibility.published_articles(root_path=root_path, private=list(private), now=now)
    return articles.select_related(*RENDER_RELATED).filter(**{field: value})[:1]


_ARTICLE_BY = {
    "url_path": PreparedQuery(partial(_article_by, "url_path"), now=DATETIME, value=TEXT),
    "slug": PreparedQuery(partial(_article_by, "slug"), now=DATETIME, value=TEXT),
    "pk": PreparedQuery(partial(_article_by, "pk"), now=DATETIME, value=INT),
}


def _targets(root_path, private, *, now, pks):
    articles = visibility.published_articles(root_path=root_path, private=list(private), now=now)
    return articles.filter(pk__in=pks)


def _sections_at(root_path, private, *, now, paths):
    sections = visibility.published_sections(root_path=root_path, private=list(private), now=now)
    return sections.filter(path__in=paths)


def _listing(root_path, private, children, section, first, *, now, **position):
    articles = visibility.published_articles(
        root_path=root_path, private=list(private), children=list(children), section=section,
        now=now,
    )  # fmt: skip
    if position:
        articles = articles.filter(
            keyset.before(("published_at", "pk"), (position["published_at"], position["pk"]))
        )
    return articles.select_related(*RENDER_RELATED)[:first]


_LISTING = PreparedQuery(_listing, now=DATETIME)
_LISTING_AFTER = PreparedQuery(_listing, now=DATETIME, published_at=DATETIME, pk=INT)
_ROOT_SECTION_ROWS = PreparedQuery(visibility.root_section_rows)
_TARGETS = PreparedQuery(_targets, now=DATETIME, pks=Many(INT))
_BY_IDS = PreparedQuery(
    lambda *shape, **values: _targets(*shape, **values).select_related(*RENDER_RELATED),
    now=DATETIME,
    pks=Many(INT),
)
_SECTIONS_AT = PreparedQuery(_sections_at, now=DATETIME, paths=Many(TEXT))
_RESTRICTED = PreparedQuery(
    lambda: PageViewRestriction.objects.values_list("page__path", flat=True)
)


class _InfoOf:
    """What `page_path` reads from a resolver's info: the request."""

    def __init__(self, request):
        self.context = request


def _prefetch(articles, lookup: Prefetch) -> None:
    # A preview's page holds its inline rows in memory (modelcluster) and may not be saved yet:
    # those rows are the draft's, so they are read as they are, never fetched.
    name = lookup.prefetch_to
    unfetched = [
        a
        for a in articles
        if a.pk is not None
        and upstream.prefetched(a, name) is None
        and not upstream.held_in_memory(a, name)
    ]
    if unfetched:
        prefetch_related_objects(unfetched, lookup)


def loader_for(info) -> ArticleLoader:
    """This request's loader (made on first use)."""
    return ArticleLoader.for_info(info)
