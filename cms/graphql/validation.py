"""From query text to a validated document, cheapest checks first.

1. token count (regex, no parsing) against MAX_TOKENS;
2. parse, with graphql-core's own token limit as a backstop;
3. the fragment graph (unknown spreads and cycles refused before any expansion), then
   Kiosque's limits (depth, aliases, repeats, cost) measured over the operations with each
   fragment measured once, then, when introspection is off, the no-introspection rule: all
   linear in the document;
4. the GraphQL specification's rules (`specified_rules`), which include the quadratic
   overlapping-fields check: only documents that passed 3 get here.

The spec rules are never replaced, only preceded: an unknown field is always an error.
"""

from __future__ import annotations

import re

from django.conf import settings
from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    Node,
    StringValueNode,
    parse,
    specified_rules,
    validate,
)
from graphql.validation import NoSchemaIntrospectionCustomRule, OverlappingFieldsCanBeMergedRule

from cms.graphql.limits import check_document, count_tokens, get_limits, limit_error

VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"


def introspection_enabled() -> bool:
    return bool(getattr(settings, "KIOSQUE_GRAPHQL_INTROSPECTION", False))


def suggestions_enabled() -> bool:
    """ "Did you mean ...?" hints describe the schema, so they follow introspection."""
    return introspection_enabled()


class NoIntrospectionRule(NoSchemaIntrospectionCustomRule):
    """graphql-core's rule (it leaves `__typename` alone), with an error code."""

    def report_error(self, error: GraphQLError) -> None:
        error.extensions = {"code": "INTROSPECTION_DISABLED"}
        super().report_error(error)


# The overlapping-fields rule compares the fields of one response name pairwise; the limits
# bound repeats of the names the schema knows, not of unknown ones, so a document that names
# unknown fields is refused by the other rules alone (it cannot pass them).
RULES_WITHOUT_OVERLAP = tuple(
    r for r in specified_rules if r is not OverlappingFieldsCanBeMergedRule
)


def document_for(schema: GraphQLSchema, query: str) -> tuple[DocumentNode | None, list]:
    """Parse and validate `query`; returns (document, []) or (None, errors)."""
    limits = get_limits()
    max_tokens = limits["MAX_TOKENS"]
    if count_tokens(query, max_tokens) > max_tokens:
        return None, [
            limit_error("MAX_TOKENS_EXCEEDED", f"The query has more than {max_tokens} tokens.")
        ]
    try:
        document = parse(query, max_lexical_tokens=max_tokens, max_comments=max_tokens)
    except GraphQLError as error:
        _set_code(error, PARSE_FAILED)
        return None, [error]
    # The limits walk the operations directly: a validation pass would visit every node.
    errors, names_unknown = check_document(schema, document)
    hide = not suggestions_enabled()
    if not errors and not introspection_enabled():
        errors = validate(schema, document, (NoIntrospectionRule,), hide_suggestions=hide)
    if not errors and names_unknown:
        errors = validate(schema, document, RULES_WITHOUT_OVERLAP, hide_suggestions=hide)
    if not errors:
        errors = validate(schema, document, specified_rules, hide_suggestions=hide)
    if errors:
        for error in errors:
            _set_code(error, VALIDATION_FAILED)
        return None, errors
    return document, []


def nul_errors(query: str, document: DocumentNode, variables) -> list[GraphQLError]:
    """NUL characters in text arguments: PostgreSQL refuses them in text, so refuse them here."""
    found = _has_nul(variables)
    # A NUL can only be written as a unicode escape: walk the document only if one is there.
    if not found and "\\u" in query:
        found = any(
            isinstance(node, StringValueNode) and "\x00" in node.value for node in _walk(document)
        )
    if not found:
        return []
    return [
        limit_error("BAD_ARGUMENT", "Text arguments must not contain NUL characters (U+0000).")
    ]


# Lone UTF-16 surrogates (JSON's "\ud800", GraphQL's "\uD800") decode into Python strings
# but cannot be encoded as UTF-8: no database, cache key or log line can hold them.
_SURROGATE = re.compile("[\ud800-\udfff]")


def surrogate_errors(query: str, variables, operation_name, document=None) -> list:
    """BAD_ARGUMENT when any text of the request holds a lone surrogate: the query text, an
    operation name, a variable (keys included) or, given the parsed `document`, a string
    literal written with an escape. One check for every argument of every field."""
    if document is None:
        found = bool(_SURROGATE.search(query)) or _has_surrogate(variables)
        found = found or _has_surrogate(operation_name)
    else:
        # Only an escape can put one in a literal of an otherwise clean text.
        found = "\\u" in query and any(
            isinstance(node, StringValueNode) and _SURROGATE.search(node.value)
            for node in _walk(document)
        )
    if not found:
        return []
    return [
        limit_error(
            "BAD_ARGUMENT",
            "Text arguments must be valid Unicode (no lone surrogate such as U+D800).",
        )
    ]


def _strings(value):
    """Every string in a JSON value, keys included; iterative, as JSON may nest deep."""
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _has_surrogate(value) -> bool:
    return any(_SURROGATE.search(text) for text in _strings(value))


def _has_nul(value) -> bool:
    return any("\x00" in text for text in _strings(value))


def _walk(node):
    stack = [node]
    while stack:
        node = stack.pop()
        yield node
        for key in node.keys:
            child = getattr(node, key, None)
            if isinstance(child, Node):
                stack.append(child)
            elif isinstance(child, tuple | list):
                stack.extend(c for c in child if isinstance(c, Node))


def _set_code(error: GraphQLError, code: str) -> None:
    if not (error.extensions or {}).get("code"):
        error.extensions = {**(error.extensions or {}), "code": code}
