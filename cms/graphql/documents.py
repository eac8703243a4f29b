"""A cache of parsed and validated GraphQL documents.

Frontends send the same few queries over and over; parsing and validating one costs more than
resolving a small response. graphene-django's view calls graphql-core's `parse` and `validate`
through its module globals, so they are replaced there by memoised versions: same text, same
document object; same schema, document and rules, same list of errors. Both are bounded LRUs.
"""

from collections import OrderedDict
from threading import Lock

import graphql
from graphene_django import views as graphene_views

MAX_DOCUMENTS = 512
_lock = Lock()
_parsed: OrderedDict = OrderedDict()
_validated: OrderedDict = OrderedDict()


def _remember(store: OrderedDict, key, value):
    with _lock:
        store[key] = value
        store.move_to_end(key)
        while len(store) > MAX_DOCUMENTS:
            store.popitem(last=False)
    return value


def cached_parse(source, *args, **kwargs):
    if args or kwargs or not isinstance(source, str):
        return graphql.parse(source, *args, **kwargs)
    found = _parsed.get(source)
    if found is not None:
        return found
    # Syntax errors raise and are not cached: they are cheap to find again.
    return _remember(_parsed, source, graphql.parse(source))


def cached_validate(schema, document, rules=None, max_errors=None, *args, **kwargs):
    if args or kwargs:
        return graphql.validate(schema, document, rules, max_errors, *args, **kwargs)
    # Documents come from cached_parse, so their identity is stable while they are cached; the
    # document is kept in the key to pin it.
    key = (id(schema), id(document), tuple(rules) if rules else None, max_errors)
    found = _validated.get(key)
    if found is not None and found[0] is document:
        return list(found[1])
    errors = graphql.validate(schema, document, rules, max_errors)
    _remember(_validated, key, (document, tuple(errors)))
    return errors


def install() -> None:
    graphene_views.parse = cached_parse
    graphene_views.validate = cached_validate
