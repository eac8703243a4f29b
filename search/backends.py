"""Search backends: PostgreSQL full-text, a pure-Python twin for SQLite, and Wagtail's search
backends (OpenSearch / Elasticsearch) for larger deployments.

Every backend ranks inside a base queryset of live, public articles (news.selectors), so none
of them decides what is public. Scores: title (A) > standfirst (B) > body (C) > topics and
authors (D), times a mild recency factor. Score values are comparable within one result list,
not across backends.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from search import text
from search.models import ArticleSearchDocument

PG_CONFIG = "french_unaccent"
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}
# A fresh article scores up to 25% more; the bonus halves every 30 days.
RECENCY_BOOST = 0.25
RECENCY_HALF_LIFE_DAYS = 30.0
# ts_rank divides by this (sum of 1/n^2); the Python rank does the same so scores look alike.
_ZETA2 = math.pi**2 / 6


def rank_window() -> int:
    """A query ranks at most its this many most recent matches (news favours recency): the
    work per query then stops growing with the archive once a word is that common."""
    return settings.KIOSQUE.get("SEARCH_RANK_WINDOW", 200)


def recency_factor(published_at: datetime | None, now: datetime) -> float:
    if published_at is None:
        return 1.0
    age_days = max((now - published_at).total_seconds(), 0.0) / 86400
    return 1.0 + RECENCY_BOOST * 0.5 ** (age_days / RECENCY_HALF_LIFE_DAYS)


@dataclass
class Ranked:
    """Matches of one query: how many are listed, pages of (article id, score), best first.

    `exact` is False when the query matched more articles than were ranked (the window was
    full): `count()` is then the number of ranked, public results, and there are more matches.
    """

    count: Callable[[], int]
    page: Callable[[int, int], list[tuple[int, float]]]
    exact: bool = True


def _ranked_list(rows: list[tuple[int, float, datetime | None]], *, exact: bool = True) -> Ranked:
    epoch = datetime.min.replace(tzinfo=UTC)
    rows.sort(key=lambda r: (r[1], r[2] or epoch, r[0]), reverse=True)
    return Ranked(
        count=lambda: len(rows),
        page=lambda offset, limit: [(pk, score) for pk, score, _ in rows[offset : offset + limit]],
        exact=exact,
    )


@contextmanager
def _gin_cursor():
    """A cursor whose queries start from an index (the GIN index, or the date index for a
    common word). The table's rows are narrow (see migration 0003), so the planner rates a
    sequential scan cheap, but that scan would test every vector."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        yield cursor


class PostgresBackend:
    """to_tsvector('french_unaccent') weighted A-D in a GIN-indexed column; ts_rank ordering."""

    name = "postgres"

    def prepare(self, doc: ArticleSearchDocument) -> None:
        doc.terms = ""

    def after_save(self, queryset: QuerySet[ArticleSearchDocument]) -> None:
        vector = (
            SearchVector("title", weight="A", config=PG_CONFIG)
            + SearchVector("standfirst", weight="B", config=PG_CONFIG)
            + SearchVector("body", weight="C", config=PG_CONFIG)
            + SearchVector("extra", weight="D", config=PG_CONFIG)
        )
        queryset.update(search_vector=vector)

    def rank(self, base: QuerySet, query: str, terms: list[str]) -> Ranked:
        table = ArticleSearchDocument._meta.db_table
        tsquery = "plainto_tsquery(%s::regconfig, %s)"
        window = rank_window()
        # 1. The `window` most recent matches, and no more: nothing here counts every match.
        #    PostgreSQL picks the cheaper of two plans from its statistics on the words: for a
        #    common word, walk the date index (search_doc_recent) testing each row until the
        #    window is full (about window / share-of-articles-matching rows, whatever the
        #    archive's size); for a rarer one, read its matches from the GIN index and sort them.
        with _gin_cursor() as cursor:
            cursor.execute(
                f"SELECT article_id FROM {table} "  # noqa: S608
                f"WHERE search_vector @@ {tsquery} "
                "ORDER BY published_at DESC NULLS LAST, article_id DESC LIMIT %s",
                [PG_CONFIG, query, window + 1],
            )
            candidates = [row[0] for row in cursor.fetchall()]
        if not candidates:
            return Ranked(count=lambda: 0, page=lambda offset, limit: [])
        capped = len(candidates) > window
        candidates = candidates[:window]
        # 2. Keep the candidates whose article is in the public base queryset, probing by id:
        #    evaluating the base on its own would walk every page of the site.
        # (An unnest() list lets PostgreSQL drive from the ids; a literal IN list does not.)
        ids = RawSQL("SELECT unnest(%s::integer[])", [candidates])
        public = base.order_by().filter(pk__in=ids).values("pk")
        base_sql, base_params = public.query.sql_with_params()
        weights = [WEIGHTS["D"], WEIGHTS["C"], WEIGHTS["B"], WEIGHTS["A"]]
        ranked = f"""
            SELECT d.article_id,
                   ts_rank(%s::float4[], d.search_vector, q.query)
                   * COALESCE(1 + %s * power(0.5, GREATEST(EXTRACT(EPOCH FROM
                       (%s - d.published_at)), 0) / %s), 1) AS score,
                   COUNT(*) OVER ()
            FROM {table} d, {tsquery} AS q(query)
            WHERE d.article_id IN ({base_sql})
            ORDER BY score DESC, d.published_at DESC, d.article_id DESC
            LIMIT %s OFFSET %s
        """  # noqa: S608 - only our table name and Django-compiled SQL are interpolated
        params = [
            weights,
            RECENCY_BOOST,
            timezone.now(),
            RECENCY_HALF_LIFE_DAYS * 86400,
            PG_CONFIG,
            query,
            *base_params,
        ]
        state: dict[str, int] = {}

        def page(offset: int, limit: int) -> list[tuple[int, float]]:
            with connection.cursor() as cursor:
                cursor.execute(ranked, [*params, limit, offset])
                rows = cursor.fetchall()
            if rows:
                state["public"] = rows[0][2]
            return [(pk, score) for pk, score, _ in rows]

        def count() -> int:
            if "public" not in state:
                state["public"] = public.count()
            return state["public"]

        return Ranked(count=count, page=page, exact=not capped)


class PythonBackend:
    """The same linguistics in Python (search.text) for the embedded SQLite database.

    Candidates are the documents containing every query term (a LIKE per term on the stored
    terms), ranked in Python. Meant for development and small sites, not 100,000 articles.
    """

    name = "python"

    def prepare(self, doc: ArticleSearchDocument) -> None:
        columns = [doc.title, doc.standfirst, doc.body, doc.extra]
        doc.terms = " " + " | ".join(" ".join(text.terms(c)) for c in columns) + " "

    def after_save(self, queryset: QuerySet[ArticleSearchDocument]) -> None:
        pass

    def rank(self, base: QuerySet, query: str, terms: list[str]) -> Ranked:
        docs = ArticleSearchDocument.objects.filter(article_id__in=base.order_by().values("pk"))
        for term in terms:
            docs = docs.filter(terms__contains=f" {term} ")
        window = rank_window()
        found = list(
            docs.order_by(F("published_at").desc(nulls_last=True), "-article_id").values_list(
                "article_id", "terms", "published_at"
            )[: window + 1]
        )
        capped = len(found) > window
        now = timezone.now()
        rows = [
            (pk, python_rank(stored, terms) * recency_factor(published_at, now), published_at)
            for pk, stored, published_at in found[:window]
        ]
        return _ranked_list(rows, exact=not capped)


def python_rank(stored: str, terms: list[str]) -> float:
    """Per term: its best-weighted occurrence counts fully, the others fade as 1/n^2 (the shape
    of PostgreSQL's ts_rank); the query's score is the mean over its terms."""
    counts = [Counter(column.split()) for column in stored.split("|")]
    weights = list(WEIGHTS.values())
    total = 0.0
    for term in terms:
        occurrences = sorted(
            (w for w, column in zip(weights, counts, strict=False) for _ in range(column[term])),
            reverse=True,
        )
        total += sum(w / (n + 1) ** 2 for n, w in enumerate(occurrences)) / _ZETA2
    return total / len(terms) if terms else 0.0


class WagtailBackend:
    """Delegates matching to a Wagtail search backend (WAGTAILSEARCH_BACKENDS), e.g. OpenSearch
    or Elasticsearch, then keeps only the hits that are in the public base queryset."""

    name = "wagtail"
    max_hits = 1000

    def __init__(self, alias: str = "default"):
        self.alias = alias

    def prepare(self, doc: ArticleSearchDocument) -> None:
        doc.terms = ""

    def after_save(self, queryset: QuerySet[ArticleSearchDocument]) -> None:
        # Wagtail's own signal handlers keep its index in step with page saves.
        pass

    def rank(self, base: QuerySet, query: str, terms: list[str]) -> Ranked:
        from wagtail.search.backends import get_search_backend

        from news.models import ArticlePage

        backend = get_search_backend(self.alias)
        hits = backend.search(query, ArticlePage.objects.live(), operator="and")
        top = hits.annotate_score("_score")[: self.max_hits]
        scores = {page.pk: page._score or 0.0 for page in top}
        now = timezone.now()
        public = base.order_by().filter(pk__in=scores).values_list("pk", "published_at")
        rows = [
            (pk, float(scores[pk]) * recency_factor(published_at, now), published_at)
            for pk, published_at in public
        ]
        return _ranked_list(rows, exact=len(scores) < self.max_hits)


def get_backend():
    choice = settings.KIOSQUE.get("SEARCH_BACKEND", "auto")
    if choice == "auto":
        choice = "postgres" if connection.vendor == "postgresql" else "python"
    if choice == "postgres":
        if connection.vendor != "postgresql":
            raise ImproperlyConfigured("KIOSQUE_SEARCH_BACKEND=postgres needs PostgreSQL.")
        return PostgresBackend()
    if choice == "python":
        return PythonBackend()
    if choice == "wagtail":
        return WagtailBackend(settings.KIOSQUE.get("SEARCH_WAGTAIL_ALIAS", "default"))
    raise ImproperlyConfigured(f"Unknown search backend {choice!r}.")
