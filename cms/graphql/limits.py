"""Abuse limits of the public GraphQL endpoint, checked before any resolver runs.

- `count_tokens` is a regex pass (C speed) that refuses oversized documents before the
  pure-Python lexer and parser see them.
- `QueryLimitsRule` measures each operation through its fragments: field depth, aliases,
  repeats of one response name in a selection set (graphql-core's overlapping-fields rule is
  quadratic in them), and an estimated cost that multiplies nested list sizes.

Limits live in `settings.KIOSQUE_LIMITS`; see docs/security.md.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import islice
from typing import Any

from django.conf import settings
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    is_list_type,
)
from graphql.language.visitor import SKIP
from graphql.validation import ValidationRule

DEFAULT_LIMITS = {
    "MAX_BODY_BYTES": 64 * 1024,
    "MAX_TOKENS": 5000,
    "MAX_DEPTH": 10,
    "MAX_ALIASES": 30,
    "MAX_FIELD_REPEATS": 10,
    "MAX_COST": 50000,
    "LIST_SIZE_ESTIMATE": 10,
}

# Arguments that bound how many items a list or connection returns.
SIZE_ARGUMENTS = ("first", "limit", "last")
# Lists whose length is set by the `first` of the connection above them.
CONNECTION_LISTS = ("edges", "nodes")
# Flat cost of one `__schema` selection (when introspection is enabled).
INTROSPECTION_COST = 1000
# Nesting allowed inside `__schema` / `__type`, which the depth limit does not count.
INTROSPECTION_MAX_DEPTH = 20
# Fragments nested deeper than this are refused outright (legit queries nest a few).
MAX_FRAGMENT_NESTING = 50


def get_limits() -> dict[str, int]:
    return {**DEFAULT_LIMITS, **getattr(settings, "KIOSQUE_LIMITS", {})}


def max_page_size() -> int:
    return int(settings.KIOSQUE.get("MAX_PAGE_SIZE", 100))


# One alternative per GraphQL token kind. Unterminated strings run to the end of the line or
# document so that every alternative matches in linear time, whatever the input.
_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*(?:"""|\Z)'  # block string
    r'|"(?:[^"\\\n\r]|\\.)*(?:"|$)'  # string
    r"|#[^\n\r]*"  # comment (counted: they cost the lexer too)
    r"|\.\.\."
    r"|-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
    r"|[_A-Za-z][_0-9A-Za-z]*"
    r"|[^\s,\ufeff]",  # punctuators, and any stray character
    re.MULTILINE,
)


def count_tokens(source: str, stop_after: int) -> int:
    """Number of GraphQL tokens in `source`, counting no further than `stop_after` + 1."""
    return sum(1 for _ in islice(_TOKEN.finditer(source), stop_after + 1))


def limit_error(code: str, message: str, nodes=None) -> GraphQLError:
    return GraphQLError(message, nodes, extensions={"code": code})


class _Measure:
    """Walks one operation through its fragments and records what the limits look at."""

    def __init__(self, schema, operation: OperationDefinitionNode, get_fragment, limits):
        self.schema = schema
        self.get_fragment = get_fragment
        self.limits = limits
        self.max_depth = limits["MAX_DEPTH"]
        self.list_estimate = max(1, limits["LIST_SIZE_ESTIMATE"])
        self.max_size = max_page_size()
        # Field visits are bounded so that fragment fan-out cannot make the walk itself slow.
        self.max_visits = 2 * limits["MAX_COST"] + 1000
        self.variable_defaults = {
            definition.variable.name.value: definition.default_value
            for definition in operation.variable_definitions or ()
        }
        self.depth = 0
        self.aliases = 0
        self.repeats = 0
        self.visits = 0
        self.too_complex = False

    # Cost model: each field resolved counts 1 per time it may run; a list multiplies its
    # sub-selection by its `first`/`limit` (or the connection's), else by the estimate.
    # Type-conditioned fragments on an abstract type are alternatives: the dearest counts.
    def selection_set(self, node, parent_type, depth, mult, pending, stack, names) -> int:
        shared = 0
        alternatives: dict[str, int] = {}
        for selection in node.selections:
            if self.too_complex:
                return shared
            if isinstance(selection, FieldNode):
                shared += self.field(selection, parent_type, depth, mult, pending, stack, names)
                continue
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                sub, inner_stack = selection.selection_set, stack
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.get_fragment(name)
                if fragment is None or name in stack:
                    continue  # unknown fragments and cycles are reported by the spec rules
                if len(stack) >= MAX_FRAGMENT_NESTING:
                    self.too_complex = True
                    return shared
                condition = fragment.type_condition
                sub, inner_stack = fragment.selection_set, (*stack, name)
            else:  # pragma: no cover - the AST has no other selection kinds
                continue
            type_name = condition.name.value if condition else None
            inner_type = self.schema.get_type(type_name) if type_name else parent_type
            cost = self.selection_set(
                sub, inner_type or parent_type, depth, mult, pending, inner_stack, names
            )
            narrows = (
                type_name is not None
                and parent_type is not None
                and is_abstract_type(parent_type)
                and type_name != parent_type.name
            )
            if narrows:
                alternatives[type_name] = alternatives.get(type_name, 0) + cost
                continue
            shared += cost
        return shared + max(alternatives.values(), default=0)

    def field(self, node: FieldNode, parent_type, depth, mult, pending, stack, names) -> int:
        self.visits += 1
        if self.visits > self.max_visits:
            self.too_complex = True
            return 0
        name = node.name.value
        if node.alias is not None:
            self.aliases += 1
        response_name = node.alias.value if node.alias is not None else name
        names[response_name] += 1
        self.repeats = max(self.repeats, names[response_name])
        if name == "__typename":
            return 0
        # Introspection subtrees are walked at negative depths: they have a limit of their
        # own (the type references of GraphiQL's query nest about 12 levels).
        introspection = name.startswith("__") or depth < 0
        if introspection:
            field_depth = min(depth, 0) - 1
            if -field_depth > INTROSPECTION_MAX_DEPTH:
                self.depth = max(self.depth, self.max_depth + 1)
                return mult
        else:
            field_depth = depth + 1
            self.depth = max(self.depth, field_depth)
        if node.selection_set is None:
            return mult
        if field_depth > self.max_depth:
            return mult  # already over the limit: no need to look deeper
        field_def = self._field_def(parent_type, name)
        field_type = field_def.type if field_def is not None else None
        size = self._size_argument(node, field_def)
        child_mult, child_pending = mult, None
        if introspection:
            # Schema data is in memory and bounded by the schema's size: lists count once,
            # and each whole-schema read has a flat price instead.
            if name == "__schema":
                mult += INTROSPECTION_COST
        elif field_type is not None and is_list_type(get_nullable_type(field_type)):
            if size is not None:
                child_mult *= size
            elif pending is not None and name in CONNECTION_LISTS:
                child_mult *= pending
            else:
                child_mult *= self.list_estimate
        elif size is not None:
            child_pending = size
        child_type = get_named_type(field_type) if field_type is not None else None
        return mult + self.selection_set(
            node.selection_set,
            child_type,
            field_depth,
            child_mult,
            child_pending,
            stack,
            Counter(),
        )

    def _field_def(self, parent_type, name):
        if name == "__schema":
            from graphql import SchemaMetaFieldDef

            return SchemaMetaFieldDef
        if name == "__type":
            from graphql import TypeMetaFieldDef

            return TypeMetaFieldDef
        fields = getattr(parent_type, "fields", None)
        return fields.get(name) if fields else None

    def _size_argument(self, node: FieldNode, field_def) -> int | None:
        arg_names = set(field_def.args) if field_def is not None else set()
        given = {arg.name.value: arg.value for arg in node.arguments or ()}
        for arg_name in SIZE_ARGUMENTS:
            if arg_name not in arg_names and arg_name not in given:
                continue
            value = given.get(arg_name)
            if isinstance(value, VariableNode):
                value = self.variable_defaults.get(value.name.value)
                if value is None:
                    return self.max_size
            if isinstance(value, IntValueNode):
                return self._clamp(int(value.value))
            if value is None and field_def is not None and arg_name in field_def.args:
                default = field_def.args[arg_name].default_value
                if isinstance(default, int) and not isinstance(default, bool):
                    return self._clamp(default)
            # A variable without default, or a value the resolver will refuse: assume the
            # largest size the API serves.
            return self.max_size
        return None

    def _clamp(self, value: int) -> int:
        return min(max(value, 1), self.max_size)


def check_operation(schema, operation: OperationDefinitionNode, get_fragment, limits=None):
    """The limit errors of one operation (an empty list when it is within every limit)."""
    limits = limits or get_limits()
    root_type = schema.get_root_type(operation.operation)
    measure = _Measure(schema, operation, get_fragment, limits)
    try:
        cost = measure.selection_set(operation.selection_set, root_type, 0, 1, None, (), Counter())
    except RecursionError:  # only with limits configured far beyond their defaults
        measure.too_complex, cost = True, 0
    return _violations(measure, cost, limits, operation)


def check_document(schema, document) -> list[GraphQLError]:
    """Limit errors for every operation of a parsed document, without a validation pass."""
    limits = get_limits()
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    errors = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            errors += check_operation(schema, definition, fragments.get, limits)
    return errors


class QueryLimitsRule(ValidationRule):
    """The same limits as a graphql-core validation rule, for `validate(..., rules)` users."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any):
        for error in check_operation(self.context.schema, node, self.context.get_fragment):
            self.report_error(error)
        return SKIP

    def enter_fragment_definition(self, *_args: Any):
        return SKIP  # measured where they are spread


def _violations(measure: _Measure, cost: int, limits, node) -> list[GraphQLError]:
    errors = []
    if measure.depth > limits["MAX_DEPTH"]:
        errors.append(
            limit_error(
                "MAX_DEPTH_EXCEEDED",
                f"The query is nested too deeply (limit {limits['MAX_DEPTH']} levels).",
                node,
            )
        )
    if measure.aliases > limits["MAX_ALIASES"]:
        errors.append(
            limit_error(
                "MAX_ALIASES_EXCEEDED",
                f"The query uses more than {limits['MAX_ALIASES']} aliases.",
                node,
            )
        )
    if measure.repeats > limits["MAX_FIELD_REPEATS"]:
        errors.append(
            limit_error(
                "MAX_FIELD_REPEATS_EXCEEDED",
                f"The query selects one field more than {limits['MAX_FIELD_REPEATS']} times"
                " in the same selection.",
                node,
            )
        )
    if measure.too_complex or cost > limits["MAX_COST"]:
        errors.append(
            limit_error(
                "QUERY_COST_EXCEEDED",
                f"The query may return too much data (estimated cost over "
                f"{limits['MAX_COST']}); ask for fewer items or fields.",
                node,
            )
        )
    return errors


def operation_cost(schema, document, operation_name: str | None = None) -> int:
    """The estimated cost of one operation of a parsed document (used by tests and docs)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if operation_name and (definition.name is None or definition.name.value != operation_name):
            continue
        measure = _Measure(schema, definition, fragments.get, get_limits())
        root_type = schema.get_root_type(definition.operation)
        return measure.selection_set(
            definition.selection_set, root_type, 0, 1, None, (), Counter()
        )
    raise ValueError("No such operation.")


__all__ = [
    "DEFAULT_LIMITS",
    "QueryLimitsRule",
    "check_document",
    "count_tokens",
    "get_limits",
    "operation_cost",
]
