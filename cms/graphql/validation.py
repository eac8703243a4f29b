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


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


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
