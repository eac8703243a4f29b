"""A cache of parsed and validated GraphQL documents.

Frontends send the same few queries over and over; parsing, checking the limits and validating
one costs more than resolving a small response. `cached_document_for` memoises
`cms.graphql.validation.document_for`: same schema, text and switches, same document (or the
same errors). It is an LRU per process bounded in bytes of query text
(KIOSQUE_LIMITS["DOCUMENT_CACHE_BYTES"]), not in entries: a parsed document takes roughly a
hundred times its text (tests/test_document_cache.py measures it), so a count bound would let
large documents take gigabytes. A document over a quarter of the budget is not kept at all.
"""

from collections import OrderedDict
from threading import Lock

from graphql import GraphQLSchema

from cms.graphql import validation
from cms.graphql.limits import get_limits, page_sizes

_lock = Lock()
_documents: OrderedDict = OrderedDict()
_weight = 0  # bytes of query text held


def _key(schema: GraphQLSchema, query: str) -> tuple:
    # The switches and limits are settings; tests and deployments may change them.
    return (
        id(schema),
        query,
        validation.introspection_enabled(),
        validation.suggestions_enabled(),
        tuple(sorted(get_limits().items())),
        tuple(sorted(page_sizes().items())),
    )


def weight() -> int:
    """Bytes of query text the cache holds now."""
    return _weight


def cached_document_for(schema: GraphQLSchema, query: str):
    global _weight
    key = _key(schema, query)
    found = _documents.get(key)
    if found is not None and found[0] is schema:
        with _lock:
            if key in _documents:
                _documents.move_to_end(key)  # least recently used goes first
        document, errors = found[1]
        return document, list(errors)
    document, errors = validation.document_for(schema, query)
    budget = get_limits()["DOCUMENT_CACHE_BYTES"]
    size = len(query.encode("utf-8", "surrogatepass"))
    if size > budget // 4:
        return document, errors
    with _lock:
        if key not in _documents:
            _weight += size
        _documents[key] = (schema, (document, tuple(errors)))
        _documents.move_to_end(key)
        while _weight > budget and _documents:
            old_key, _entry = _documents.popitem(last=False)
            _weight -= len(old_key[1].encode("utf-8", "surrogatepass"))
    return document, errors


def clear() -> None:
    global _weight
    with _lock:
        _documents.clear()
        _weight = 0
