"""A cache of parsed and validated GraphQL documents.

Frontends send the same few queries over and over; parsing, checking the limits and validating
one costs more than resolving a small response. `cached_document_for` memoises
`cms.graphql.validation.document_for`: same schema, text and switches, same document (or the
same errors). It is a bounded LRU per process.
"""

from collections import OrderedDict
from threading import Lock

from graphql import GraphQLSchema

from cms.graphql import validation
from cms.graphql.limits import get_limits

MAX_DOCUMENTS = 512
_lock = Lock()
_documents: OrderedDict = OrderedDict()


def _key(schema: GraphQLSchema, query: str) -> tuple:
    # The switches and limits are settings; tests and deployments may change them.
    return (
        id(schema),
        query,
        validation.introspection_enabled(),
        validation.suggestions_enabled(),
        tuple(sorted(get_limits().items())),
    )


def cached_document_for(schema: GraphQLSchema, query: str):
    key = _key(schema, query)
    found = _documents.get(key)
    if found is not None and found[0] is schema:
        document, errors = found[1]
        return document, list(errors)
    document, errors = validation.document_for(schema, query)
    with _lock:
        _documents[key] = (schema, (document, tuple(errors)))
        _documents.move_to_end(key)
        while len(_documents) > MAX_DOCUMENTS:
            _documents.popitem(last=False)
    return document, errors


def clear() -> None:
    with _lock:
        _documents.clear()
