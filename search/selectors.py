"""Public search reads: `search_articles` is the one entry point for every backend."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.search.utils import normalise_query_string

from news import selectors as news_selectors
from news import visibility
from news.models import ArticlePage
from search import text
from search.backends import Ranked, get_backend
from search.models import ArticleSearchDocument

# Deep result pages are not useful to readers and cost the database.
MAX_RESULTS = 1000


class SearchInputError(ValueError):
    """The query cannot be searched; the message is safe to show to clients."""


def max_query_length() -> int:
    return settings.KIOSQUE.get("SEARCH_MAX_QUERY_LENGTH", 200)


def clean_search_query(query: str) -> str:
    limit = max_query_length()
    if len(query) > limit:
        raise SearchInputError(f"The search query is limited to {limit} characters.")
    cleaned = text.clean_query(query)
    if not cleaned:
        raise SearchInputError("The search query is empty.")
    return cleaned


@dataclass
class SearchHit:
    article: ArticlePage
    score: float
    excerpt: str
    promoted: bool
    position: int


@dataclass
class SearchResults:
    query: str
    terms: list[str]
    base: object
    promoted_ids: list[int] = field(default_factory=list)
    organic: Ranked | None = None
    promoted_scores: dict[int, float] = field(default_factory=dict)
    _count: int | None = None

    @property
    def total_count(self) -> int:
        if self._count is None:
            organic = self.organic.count() if self.organic else 0
            self._count = len(self.promoted_ids) + organic
        return self._count

    @property
    def total_count_is_exact(self) -> bool:
        """False when the query matched more articles than were ranked: `total_count` is then
        the results listed, and older matches were left out."""
        return self.organic is None or self.organic.exact

    def hits(self, offset: int, limit: int, *, info=None) -> list[SearchHit]:
        """Results [offset, offset + limit): editors' picks first, then by relevance."""
        limit = max(0, min(limit, MAX_RESULTS - offset))
        rows: list[tuple[int, float, bool]] = []
        picks = self.promoted_ids[offset : offset + limit]
        rows += [(pk, self.promoted_scores.get(pk, 0.0), True) for pk in picks]
        remaining = limit - len(picks)
        if remaining > 0 and self.organic is not None:
            start = max(0, offset - len(self.promoted_ids))
            rows += [(pk, score, False) for pk, score in self.organic.page(start, remaining)]
        if not rows:
            return []
        ids = [pk for pk, _, _ in rows]
        found = {
            a.pk: a
            for a in news_selectors.with_article_data(self.base.order_by()).filter(pk__in=ids)
        }
        texts = dict(
            ArticleSearchDocument.objects.filter(article_id__in=ids).values_list(
                "article_id", "body"
            )
        )
        articles = news_selectors.prepare_articles(
            [found[pk] for pk in ids if pk in found], info=info
        )
        by_id = {a.pk: a for a in articles}
        wanted = set(self.terms)
        hits = []
        for position, (pk, score, promoted) in enumerate(rows, start=offset):
            article = by_id.get(pk)
            if article is None:  # unpublished between the two reads
                continue
            source = f"{article.standfirst} {texts.get(pk, '')}"
            hits.append(
                SearchHit(
                    article=article,
                    score=round(float(score or 0.0), 6),
                    excerpt=text.excerpt(source, wanted),
                    promoted=promoted,
                    position=position,
                )
            )
        return hits


def promoted_article_ids(base, query: str) -> list[int]:
    """Editors' picks for this query (Wagtail search promotions), in their order, public only."""
    picks = list(
        SearchPromotion.objects.filter(
            query__query_string=normalise_query_string(query), page__isnull=False
        )
        .order_by("sort_order", "pk")
        .values_list("page_id", flat=True)
    )
    if not picks:
        return []
    public = set(base.order_by().filter(pk__in=picks).values_list("pk", flat=True))
    return [pk for pk in dict.fromkeys(picks) if pk in public]


def search_articles(
    *, root_path: str | None, query: str, section: str | None = None, topic: str | None = None
) -> SearchResults:
    """Live, public articles matching `query` (every term, French stemming, accents ignored).

    Raises SearchInputError for an empty or over-long query. A query with no searchable word
    (stop words, punctuation, emoji) matches nothing rather than everything.
    """
    cleaned = clean_search_query(query)
    terms = text.query_terms(cleaned)
    base = visibility.published_articles(root_path=root_path, section=section, topic=topic)
    results = SearchResults(query=cleaned, terms=terms, base=base)
    results.promoted_ids = promoted_article_ids(base, cleaned)
    if not terms:
        return results
    backend = get_backend()
    organic_base = base.exclude(pk__in=results.promoted_ids) if results.promoted_ids else base
    # Backends that parse the query themselves get it without the stop words dropped above.
    searched = " ".join(text.query_words(cleaned))
    results.organic = backend.rank(organic_base, searched, terms)
    if results.promoted_ids:
        picked = backend.rank(base.filter(pk__in=results.promoted_ids), searched, terms)
        results.promoted_scores = dict(picked.page(0, len(results.promoted_ids)))
    return results
