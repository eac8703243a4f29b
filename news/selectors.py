"""Reads shared by the GraphQL resolvers, search and feeds.

Everything public goes through `published_articles` / `published_sections`: live, not behind a
view restriction, on the requesting site, and under a live section. Listing helpers then load
everything a card or a full article needs in a fixed number of queries, whatever the page size.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Substr
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from cms.graphql.interfaces import page_path
from cms.graphql.types import rendition_specs
from news.graphql import PublicRelatedLink
from news.models import ArticleAuthor, ArticlePage, RelatedLink, SectionPage
from news.richtext import safe_url

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


def _site_root_path(site: Site | None) -> str | None:
    if site is None:
        return None
    return Page.objects.filter(pk=site.root_page_id).values_list("path", flat=True).first()


def site_root(info) -> str | None:
    memo = _memo(info)
    if "root_path" not in memo:
        memo["root_path"] = _site_root_path(site_for(info))
    return memo["root_path"]


def published_sections(*, root_path: str | None) -> QuerySet[SectionPage]:
    qs = SectionPage.objects.live().public()
    if root_path is None:
        return qs.none()
    return qs.filter(path__startswith=root_path, depth=len(root_path) // Page.steplen + 1)


def published_articles(
    *,
    root_path: str | None,
    section: str | None = None,
    topic: str | None = None,
    author: str | None = None,
) -> QuerySet[ArticlePage]:
    """Live, public articles of one site whose section is live and public too."""
    qs = ArticlePage.objects.live().public()
    if root_path is None:
        return qs.none()
    sections = published_sections(root_path=root_path)
    if section is not None:
        sections = sections.filter(slug=section)
    parent_len = len(root_path) + Page.steplen
    qs = qs.annotate(parent_path=Substr("path", 1, parent_len)).filter(
        parent_path__in=sections.values("path")
    )
    if topic is not None:
        qs = qs.filter(topics__slug=topic)
    if author is not None:
        qs = qs.filter(article_authors__author__slug=author)
    return qs.order_by("-published_at", "-pk")


def with_article_data(qs: QuerySet[ArticlePage]) -> QuerySet[ArticlePage]:
    """Everything the public article type reads, fetched with the articles in a few queries."""
    images = get_image_model().objects.prefetch_renditions(*rendition_specs())
    return qs.select_related("locale").prefetch_related(
        Prefetch("lead_image", queryset=images),
        Prefetch("social_image", queryset=images),
        Prefetch(
            "article_authors",
            queryset=ArticleAuthor.objects.select_related("author").order_by("sort_order"),
        ),
        "topics",
        Prefetch("related_links", queryset=RelatedLink.objects.order_by("sort_order")),
    )


def prepare_articles(articles: Iterable[ArticlePage], *, info) -> list[ArticlePage]:
    """Attach sections and public related-link targets to a batch of articles (two queries)."""
    articles = list(articles)
    if not articles:
        return articles
    memo = _memo(info)
    root_path = site_root(info)
    steplen = Page.steplen

    parent_paths = {a.path[:-steplen] for a in articles}
    sections = memo.setdefault("sections", {})
    missing = parent_paths - sections.keys()
    if missing:
        for section in published_sections(root_path=root_path).filter(path__in=missing):
            sections[section.path] = section
    target_ids = {
        link.target_page_id
        for a in articles
        for link in a.related_links.all()
        if link.target_page_id
    }
    targets = memo.setdefault("targets", {})
    missing_ids = target_ids - targets.keys()
    if missing_ids:
        found = {
            p.pk: p for p in published_articles(root_path=root_path).filter(pk__in=missing_ids)
        }
        for pk in missing_ids:
            targets[pk] = found.get(pk)
    for article in articles:
        article._kiosque_section = sections.get(article.path[:-steplen])
    return articles


def section_for_article(article: ArticlePage, *, info) -> SectionPage | None:
    if not hasattr(article, "_kiosque_section"):
        prepare_articles([article], info=info)
    return article._kiosque_section


def public_related_links(article: ArticlePage, *, info) -> list[PublicRelatedLink]:
    """Related links with internal targets that are not live and public dropped."""
    memo = _memo(info)
    targets = memo.get("targets")
    if targets is None or any(
        link.target_page_id not in targets
        for link in article.related_links.all()
        if link.target_page_id
    ):
        prepare_articles([article], info=info)
        targets = _memo(info)["targets"]
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


def public_page_or_none(page: Page | None, *, info) -> ArticlePage | None:
    """The live, public article behind a chooser value, or None."""
    if page is None:
        return None
    memo = _memo(info)
    targets = memo.setdefault("targets", {})
    if page.pk not in targets:
        targets[page.pk] = (
            with_article_data(published_articles(root_path=site_root(info)))
            .filter(pk=page.pk)
            .first()
        )
    return targets[page.pk]


def featured_articles(home, *, info) -> list[ArticlePage]:
    ids = [item.article_id for item in home.featured.all()]
    if not ids:
        return []
    found = {
        a.pk: a
        for a in with_article_data(published_articles(root_path=site_root(info))).filter(
            pk__in=ids
        )
    }
    return prepare_articles([found[pk] for pk in ids if pk in found], info=info)


def public_home(*, info):
    from home.models import HomePage

    site = site_for(info)
    if site is None:
        return None
    return HomePage.objects.live().public().filter(pk=site.root_page_id).first()


def article_by(*, info, url_path=None, slug=None, pk=None) -> ArticlePage | None:
    qs = with_article_data(published_articles(root_path=site_root(info)))
    if pk is not None:
        qs = qs.filter(pk=pk)
    if slug is not None:
        qs = qs.filter(slug=slug)
    if url_path is not None:
        root = _memo(info).get("root_url_path")
        if root is None:
            site = site_for(info)
            root = Page.objects.filter(pk=site.root_page_id).values_list("url_path", flat=True)
            root = _memo(info).setdefault("root_url_path", root.first() or "/")
        path = "/" + url_path.strip("/") + "/"
        qs = qs.filter(url_path=root.rstrip("/") + path)
    article = qs.first()
    if article is None:
        return None
    return prepare_articles([article], info=info)[0]
