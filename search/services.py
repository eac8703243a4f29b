"""Writes to the search index. Signal handlers and the rebuild command call these, nothing else."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable

from django.conf import settings
from django.db import DatabaseError, transaction
from wagtail.rich_text import RichText

from news.models import ArticlePage
from search import dependencies as search_dependencies
from search.backends import get_backend
from search.models import ArticleSearchDocument

# Bounds the stored text (and PostgreSQL's tsvector, capped at 1 MB) for very long articles.
BODY_MAX_CHARS = 100_000
# Struct fields that are not reader-facing prose.
_SKIPPED_FIELDS = {"level", "url", "alt", "credit", "page", "image"}
_TAG_RE = re.compile(r"<[^>]*>")
logger = logging.getLogger(__name__)
_UPDATE_FIELDS = ["title", "standfirst", "body", "extra", "published_at", "terms", "indexed_at"]
# What a search matches and orders by: an index update that leaves them alone changes no answer.
_MATCHED_FIELDS = ("title", "standfirst", "body", "extra", "published_at")


def _matched(doc: ArticleSearchDocument) -> tuple:
    return tuple(getattr(doc, name) for name in _MATCHED_FIELDS)


def _indexed(ids) -> dict[int, tuple]:
    rows = ArticleSearchDocument.objects.filter(article_id__in=ids)
    return {row[0]: row[1:] for row in rows.values_list("article_id", *_MATCHED_FIELDS)}


def _texts_changed(before: dict[int, tuple], after: dict[int, tuple]) -> None:
    """Tell the response cache which words the index update touched (search.dependencies)."""
    changed = [pk for pk in before.keys() | after.keys() if before.get(pk) != after.get(pk)]
    if changed:
        search_dependencies.texts_changed(
            " ".join(state[:4])
            for pk in changed
            for state in (before.get(pk), after.get(pk))
            if state is not None
        )


def _plain(value) -> str:
    source = value.source if isinstance(value, RichText) else str(value)
    # Tags become spaces so paragraphs do not run into each other.
    return html.unescape(_TAG_RE.sub(" ", source))


def _texts(value) -> Iterable[str]:
    if isinstance(value, RichText):
        yield _plain(value)
    elif isinstance(value, str):
        yield value
    elif hasattr(value, "items"):
        for key, item in value.items():
            if key not in _SKIPPED_FIELDS:
                yield from _texts(item)


def body_text(article: ArticlePage) -> str:
    parts = []
    for block in article.body or []:
        parts.extend(_texts(block.value))
    return " ".join(" ".join(parts).split())[:BODY_MAX_CHARS]


def document_for(article: ArticlePage) -> ArticleSearchDocument:
    names = [topic.name for topic in article.topics.all()]
    names += [link.author.name for link in article.article_authors.all()]
    return ArticleSearchDocument(
        article_id=article.pk,
        title=article.title,
        standfirst=article.standfirst or "",
        body=body_text(article),
        extra=" ".join(names),
        published_at=article.published_at or article.first_published_at,
    )


def index_articles(ids: Iterable[int]) -> int:
    """(Re)index live articles by id; ids of articles that are not live are dropped."""
    ids = list(ids)
    if not ids:
        return 0
    backend = get_backend()
    articles = (
        ArticlePage.objects.live()
        .filter(pk__in=ids)
        .prefetch_related("topics", "article_authors__author")
    )
    docs = []
    for article in articles:
        doc = document_for(article)
        backend.prepare(doc)
        docs.append(doc)
    live_ids = [doc.article_id for doc in docs]
    few = len(ids) <= search_dependencies.WORD_TAGS_UP_TO
    before = _indexed(ids) if few else {}
    with transaction.atomic():
        ArticleSearchDocument.objects.filter(article_id__in=set(ids) - set(live_ids)).delete()
        ArticleSearchDocument.objects.bulk_create(
            docs,
            update_conflicts=True,
            unique_fields=["article"],
            update_fields=_UPDATE_FIELDS,
        )
        backend.after_save(ArticleSearchDocument.objects.filter(article_id__in=live_ids))
        if few:
            _texts_changed(before, {doc.article_id: _matched(doc) for doc in docs})
        else:
            search_dependencies.all_changed()
    return len(docs)


def index_article(article: ArticlePage) -> None:
    index_articles([article.pk])


def remove_article(article_id: int) -> None:
    before = _indexed([article_id])
    ArticleSearchDocument.objects.filter(article_id=article_id).delete()
    _texts_changed(before, {})


def reindex_topic(topic_id: int) -> int:
    ids = ArticlePage.objects.live().filter(topics__id=topic_id).values_list("pk", flat=True)
    return index_articles(ids)


def reindex_author(author_id: int) -> int:
    ids = (
        ArticlePage.objects.live()
        .filter(article_authors__author_id=author_id)
        .values_list("pk", flat=True)
    )
    return index_articles(ids)


def rebuild_index(*, batch_size: int = 500) -> int:
    """Index every live article and drop rows of the others."""
    ArticleSearchDocument.objects.exclude(
        article_id__in=ArticlePage.objects.live().values("pk")
    ).delete()
    ids = list(ArticlePage.objects.live().order_by("pk").values_list("pk", flat=True))
    total = 0
    for start in range(0, len(ids), batch_size):
        total += index_articles(ids[start : start + batch_size])
    return total


def record_search(query: str) -> None:
    """Count a reader's query so editors see popular searches (Wagtail's "Promoted search
    results" admin). A string not stored yet gets its row only while the table holds fewer
    than KIOSQUE["SEARCH_STATS_MAX_QUERIES"]: stored and promoted strings always count, but
    a script sending distinct words cannot grow the table without bound. A failed write
    (read-only replica, a race on the daily row) never fails the search itself."""
    from wagtail.contrib.search_promotions.models import Query
    from wagtail.search.utils import normalise_query_string

    query_string = normalise_query_string(query)
    try:
        with transaction.atomic():
            stored = Query.objects.filter(query_string=query_string).first()
            if stored is None:
                if Query.objects.count() >= settings.KIOSQUE["SEARCH_STATS_MAX_QUERIES"]:
                    return
                stored = Query.get(query_string)
            stored.add_hit()
    except DatabaseError:
        logger.warning("Could not record a search query.", exc_info=True)
