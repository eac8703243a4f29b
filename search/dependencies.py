"""Which cached search answers an article change can alter, by the words they search for.

A search answer lists articles that contain every word of its query (both backends of this
app match all the query's terms). An article that joins, leaves or changes within an answer
therefore contains those words, before or after the change. So an answer records one tag per
query term, and indexing an article bumps the tags of the terms of its old and new text: a
publish in Sport that never says "tramway" keeps the "tramway" answers cached. Articles an
answer shows are also recorded by page (news.dependencies), and everything else that changes
results (sections, topics and authors renamed, editors' picks, moves, deletions, schedules)
still bumps SEARCH.

Terms are hashed into BUCKETS tags, so the tags stay bounded whatever the vocabulary: two terms
in one bucket only cost an extra rebuild. The Wagtail backend (OpenSearch, Elasticsearch)
analyses text its own way, so with it every indexed article bumps SEARCH as before.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from cms.graphql import dependencies
from cms.graphql.cache import invalidate
from news.dependencies import SEARCH
from search import text
from search.backends import get_backend

BUCKETS = 4096
# An index update of more articles than this (a bulk import) bumps SEARCH instead: their
# words would name most buckets anyway.
WORD_TAGS_UP_TO = 20


def by_words() -> bool:
    """Whether answers follow the words they search for (this app's own backends)."""
    return get_backend().name in {"postgres", "python"}


def term_tag(term: str) -> str:
    return f"search:{zlib.crc32(term.encode()) % BUCKETS}"


def record_query(info, terms: Iterable[str]) -> None:
    """The answer being built searched for `terms` (search.text.query_terms)."""
    if by_words():
        dependencies.record(getattr(info, "context", None), *map(term_tag, terms))


def texts_changed(texts: Iterable[str]) -> None:
    """The indexed text of a few articles changed from or to `texts`."""
    if not by_words():
        invalidate(SEARCH)
        return
    terms = set()
    for value in texts:
        terms.update(text.terms(value))
    if terms:
        invalidate(*{term_tag(term) for term in terms})


def all_changed() -> None:
    """A bulk index update, or editors' picks: every search answer may have changed."""
    invalidate(SEARCH)
