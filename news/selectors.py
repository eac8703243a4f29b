"""The reads resolvers call, for the newsroom and for the apps that show its articles.

Each takes the resolver's `info` and goes through the request's loader (news.loading), which
applies the visibility rules (news.visibility) with the site, edition and view restrictions it
read once, and loads what articles show in batches.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet
from wagtail.images import get_image_model
from wagtail.models import Site

from cms import keyset
from cms.graphql.interfaces import page_path
from cms.graphql.types import rendition_specs
from news import body, dependencies
from news.graphql import PublicRelatedLink
from news.loading import (
    RENDER_RELATED,
    authors_prefetch,
    links_prefetch,
    loader_for,
    topics_prefetch,
)
from news.models import ArticlePage, SectionPage
from news.richtext import safe_url


def use_edition(info, locale: str | None) -> None:
    """Read the `locale` edition of the site (None: its default one) for the current root field."""
    loader_for(info).edition = locale


def site_for(info) -> Site | None:
    return loader_for(info).site


def site_root(info, locale: str | None = None) -> str | None:
    """Tree path of the site's root page for the current edition (one query per request)."""
    return loader_for(info).edition_root(locale)[0]


def edition_root_paths(info) -> list[str]:
    """Paths of the site's home page and all its translations."""
    return loader_for(info).all_edition_roots()


def private_paths(info) -> list[str]:
    """Tree paths of every page behind a view restriction, read once per request."""
    return loader_for(info).private_paths


def articles_for_request(info, *, listing: bool = False, **filters) -> QuerySet[ArticlePage]:
    """The public articles of the requesting site and edition (`published_articles` with the
    request's site root and restrictions); `filters`: section, topic, author slugs."""
    if listing:
        dependencies.record_listing(info, **filters)
    return loader_for(info).articles_query(listing=listing, **filters)


def listing_page(info, *, first: int, position=None, **filters) -> list[ArticlePage]:
    """Up to `first` public articles of the listing `filters` (section, topic, author slugs)
    after the cursor `position` ((published_at, pk) or None), with their stored renders."""
    dependencies.record_listing(info, **filters)
    loader = loader_for(info)
    if filters.get("topic") is None and filters.get("author") is None:
        # Prepared (cms.prepared): a topic or author filter reads the slug's id first.
        return loader.listing_page(first=first, position=position, section=filters.get("section"))
    qs = loader.articles_query(listing=True, **filters)
    if position is not None:
        qs = qs.filter(keyset.before(("published_at", "pk"), position))
    return list(with_render(qs)[:first])


def sections_for_request(info) -> QuerySet[SectionPage]:
    """The public sections of the requesting site and edition."""
    return loader_for(info).sections_query()


def with_article_data(qs: QuerySet[ArticlePage]) -> QuerySet[ArticlePage]:
    """Everything the public article type reads, fetched with the articles in a few queries."""
    image_qs = get_image_model().objects.prefetch_renditions(*rendition_specs())
    return (
        qs.select_related("locale")
        .prefetch_related(authors_prefetch(), topics_prefetch(), links_prefetch())
        .prefetch_related(
            Prefetch("lead_image", queryset=image_qs),
            Prefetch("social_image", queryset=image_qs),
        )
    )


def prepare_articles(
    articles: Iterable[ArticlePage], *, info, facets: Iterable[str] = ()
) -> list[ArticlePage]:
    """Register a batch of articles for this request; what they show is then loaded lazily
    (see news.loading), `facets` at once."""
    return loader_for(info).register(articles, facets)


def ensure_prepared(article: ArticlePage, *, info, facet: str) -> None:
    """Load one facet for this article and every other article of the request lacking it."""
    loader_for(info).ensure(article, facet)


def section_for_article(article: ArticlePage, *, info) -> SectionPage | None:
    return loader_for(info).section_of(article)


def public_related_links(article: ArticlePage, *, info) -> list[PublicRelatedLink]:
    """Related links with internal targets that are not live and public dropped."""
    loader = loader_for(info)
    loader.ensure(article, "links")
    links = []
    for link in article.related_links.all():
        if link.target_page_id:
            target = loader.targets.get(link.target_page_id)
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


def stored_render(article: ArticlePage, *, info):
    """The article's stored render when this request may use it (news.renders), else None."""
    return loader_for(info).stored_render(article)


def with_render(qs: QuerySet[ArticlePage]) -> QuerySet[ArticlePage]:
    """Public articles read with their stored render, in the same query."""
    return qs.select_related(*RENDER_RELATED)


def body_children(article: ArticlePage, *, info) -> list:
    """The body's blocks with image and page choosers read from the batch the loader made,
    instead of one query per block type and article; from the stored render when there is one."""
    loader = loader_for(info)
    stored = loader.stored_render(article)
    if stored is not None:
        children = stored.body_children(article)
        if children is not None:
            return children
    loader.ensure(article, "body")
    return body.decoded_children(article.body, images=loader.images, pages=loader.targets)


def public_page_or_none(page, *, info) -> ArticlePage | None:
    """The live, public article behind a chooser value, or None."""
    if page is None:
        return None
    return loader_for(info).public_target(page.pk)


def page_urls_for_links(ids: set, info) -> dict:
    """{page id: public path, or None when the page is not live and public on the site}."""
    return loader_for(info).load_link_urls(set(ids))


def featured_articles(home, *, info) -> list[ArticlePage]:
    ids = [item.article_id for item in home.featured.all()]
    dependencies.record_pages(info, ids)
    if not ids:
        return []
    found = loader_for(info).public_articles(ids)
    return prepare_articles([found[pk] for pk in ids if pk in found], info=info)


def article_by(*, info, url_path=None, slug=None, pk=None) -> ArticlePage | None:
    """The live, public article with this path (under the edition's root), slug or id; the
    resolver passes exactly one."""
    loader = loader_for(info)
    if url_path is not None:
        root = loader.edition_root()[1] or "/"
        article = loader.public_article("url_path", f"{root.rstrip('/')}/{url_path.strip('/')}/")
    elif slug is not None:
        article = loader.public_article("slug", slug)
    else:
        article = loader.public_article("pk", pk)
    return None if article is None else prepare_articles([article], info=info)[0]
