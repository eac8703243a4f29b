"""What newsroom answers are built from, in the response cache's tags (cms.graphql.dependencies).

Selectors call the `record_*` helpers where they choose what to load; `collect` then reads the
request's loader (news.loading) once the answer is built: every article the request registered,
what its body and links point at, the authors and topics it showed. news.invalidation bumps the
same tags when those objects change.
"""

from __future__ import annotations

from cms.graphql import dependencies

# Every public answer depends on the site's sections, restrictions and sites (rarely edited).
STRUCTURE = "structure"
SEARCH = "search"
HOME = "home"


def page(pk) -> str:
    return f"page:{pk}"


def address(pk) -> str:
    """A page's public URL, and whether it has one: all a rich-text link to it shows. Bumped
    when the page joins, leaves or moves (not on every edit), so stored renders that link to
    a much-linked article are not rebuilt each time it is corrected (news.renders)."""
    return f"url:{pk}"


def slug_lookup(slug_or_path: str) -> str:
    """An article looked up by slug or path (its last segment is its slug)."""
    return "lookup:slug:" + slug_or_path.strip("/").rsplit("/", 1)[-1].lower()


def listing_tags(*, section=None, topic=None, author=None) -> list[str]:
    tags = []
    if section is not None:
        tags.append(f"list:section:{section}")
    if topic is not None:
        tags.append(f"list:topic:{topic}")
    if author is not None:
        tags.append(f"list:author:{author}")
    return tags or ["list:all"]


def record_listing(info, **filters) -> None:
    """An ordered listing of articles: it changes when an article joins or leaves it."""
    dependencies.record(getattr(info, "context", None), *listing_tags(**filters))


def record_pages(info, pks) -> None:
    """Pages looked up by id, found or not (a page that is not public yet may become so)."""
    dependencies.record(getattr(info, "context", None), *(page(pk) for pk in pks))


def shown_tags(article, references: tuple[set, set, set]) -> set[str]:
    """Tags of what one article's answer shows: itself, its images, what its body refers to
    (`references`: news.body.references), and the authors, topics and related links loaded
    for it. The response cache (collect) and stored renders (news.renders) both use it."""
    tags = set()
    if article.pk is not None:
        tags.add(page(article.pk))
    tags.update(f"image:{pk}" for pk in (article.lead_image_id, article.social_image_id) if pk)
    image_ids, inline_ids, link_ids = references
    tags.update(f"image:{pk}" for pk in image_ids)
    tags.update(page(pk) for pk in inline_ids | link_ids)
    cached = getattr(article, "_prefetched_objects_cache", {})
    for link in cached.get("article_authors", ()):
        tags.add(f"author:{link.author_id}")
        if link.author.photo_id:
            tags.add(f"image:{link.author.photo_id}")
    tags.update(f"topic:{link.topic_id}" for link in cached.get("article_topics", ()))
    tags.update(
        page(link.target_page_id)
        for link in cached.get("related_links", ())
        if link.target_page_id
    )
    return tags


def collect(request) -> set[str]:
    """Tags of everything the request's loader (news.loading) read for this answer."""
    from cms.graphql.context import loader_of
    from news.loading import ArticleLoader

    loader = loader_of(request)
    if not isinstance(loader, ArticleLoader):
        return set()
    tags = set()
    for article in list(loader.articles.values()):
        tags |= shown_tags(article, loader.references(article))
    for render in loader.stored_renders():
        tags.update(render.tags)
    tags.update(page(pk) for pk in loader.targets)
    tags.update(page(pk) for pk in loader.link_urls)
    return tags


def register() -> None:
    """Declare the newsroom's root fields and its collector to the response cache."""
    from news import invalidation

    dependencies.register_collector(collect)
    dependencies.register_schedule(invalidation.scheduled_events)
    dependencies.register_root_field("home", STRUCTURE, HOME)
    dependencies.register_root_field("sections", STRUCTURE)
    dependencies.register_root_field("section", STRUCTURE)
    dependencies.register_root_field("article", STRUCTURE)
    dependencies.register_root_field("articles", STRUCTURE)
