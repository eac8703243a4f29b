"""Abuse limits of the public GraphQL endpoint, checked before any resolver runs.

- `count_tokens` is a regex pass (C speed) that refuses oversized documents before the
  pure-Python lexer and parser see them.
- `check_document` first resolves the fragment graph (unknown spreads, cycles and over-long
  chains are refused before anything is expanded), then measures each operation: field
  depth, aliases, repeats of one response name in a selection set (graphql-core's
  overlapping-fields rule is quadratic in them), and an estimated cost that multiplies
  nested list sizes.

Each fragment is measured once per context it is spread in and the result reused, so the
work is linear in the document's size whatever its spreads fan out to (`Measurement.work`
counts it; tests hold it to that).

Limits live in `settings.KIOSQUE_LIMITS`; see docs/security.md.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from types import CoroutineType

from django.conf import settings
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    Node,
    OperationDefinitionNode,
    SchemaMetaFieldDef,
    TypeMetaFieldDef,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    is_list_type,
)
from graphql.execution import ExecutionContext
from graphql.execution.execute import get_field_def

DEFAULT_LIMITS = {
    "MAX_BODY_BYTES": 64 * 1024,
    "MAX_URL_BYTES": 8000,
    "MAX_TOKENS": 5000,
    "MAX_DEPTH": 10,
    "MAX_ALIASES": 30,
    "MAX_FIELD_REPEATS": 10,
    "MAX_COST": 50000,
    "LIST_SIZE_ESTIMATE": 10,
    "REQUEST_TIME_MS": 2000,
    "DOCUMENT_CACHE_BYTES": 256 * 1024,
}

# Arguments that bound how many items a list or connection returns.
SIZE_ARGUMENTS = ("first", "limit", "last")
# Lists whose length is set by the `first` of the connection above them.
CONNECTION_LISTS = ("edges", "nodes", "entries")
# Flat cost of one `__schema` selection (when introspection is enabled).
INTROSPECTION_COST = 1000
# Nesting allowed inside `__schema` / `__type`, which the depth limit does not count.
INTROSPECTION_MAX_DEPTH = 20
# Fragments nested deeper than this are refused outright (legit queries nest a few).
MAX_FRAGMENT_NESTING = 50
# Counts saturate here: fan-out could otherwise build integers of any size.
SATURATED = 10**15

VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"


def get_limits() -> dict[str, int]:
    return {**DEFAULT_LIMITS, **getattr(settings, "KIOSQUE_LIMITS", {})}


def max_page_size() -> int:
    return int(settings.KIOSQUE.get("MAX_PAGE_SIZE", 100))


# "Type.field" -> the largest `first` that field accepts when it is not MAX_PAGE_SIZE (apps
# register theirs: the cost of a page is priced at what the resolver really accepts).
_page_sizes: dict[str, object] = {}


def register_page_size(type_name: str, field_name: str, maximum) -> None:
    """`maximum()` is the largest size `type_name.field_name` serves (read per document, as
    settings may change)."""
    _page_sizes[f"{type_name}.{field_name}"] = maximum


def page_sizes() -> dict[str, int]:
    """Every page size the cost model prices with, as they are now."""
    return {"": max_page_size(), **{key: int(get()) for key, get in _page_sizes.items()}}


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


def _add(a: int, b: int) -> int:
    return min(a + b, SATURATED)


def _mul(a: int, b: int) -> int:
    return min(a * b, SATURATED)


@dataclass
class _Summary:
    """What one selection set contributes, wherever it is spread.

    Its cost is `cost + cost_per_pending * p`, where p is the `first` of the connection
    above it (or the list estimate): a fragment is measured once and priced per site."""

    cost: int = 0
    cost_per_pending: int = 0
    depth: int = 0  # deepest field below, outside introspection
    introspection_depth: int = 0  # deepest nesting inside `__schema` / `__type`
    aliases: int = 0
    repeats: int = 0
    names: Counter = field(default_factory=Counter)  # top-level response names
    invalid: bool = False  # an unknown field or type: the spec rules will say which


@dataclass
class Measurement:
    """The figures of one operation, as the limits see them."""

    operation: OperationDefinitionNode
    cost: int
    depth: int
    introspection_depth: int
    aliases: int
    repeats: int
    too_complex: bool
    invalid: bool


class _Aborted(Exception):
    """Enough is known to refuse the document: walking on would only cost time."""


class _Measure:
    """Measures the operations of one document, each fragment once (twice at most: inside
    and outside introspection), so the work is linear in the document's size."""

    def __init__(self, schema, fragments: dict[str, FragmentDefinitionNode], limits):
        self.schema = schema
        self.fragments = fragments
        self.limits = limits
        self.list_estimate = max(1, limits["LIST_SIZE_ESTIMATE"])
        self.max_size = max_page_size()
        self.memo: dict[tuple[str, bool], _Summary] = {}
        self.variable_defaults: dict = {}
        self.aliases_seen = 0
        # Selections visited: tests hold it to a small multiple of the document's size.
        self.work = 0

    def price(self, summary: _Summary, pending: int | None) -> int:
        per_item = self.list_estimate if pending is None else pending
        return _add(summary.cost, _mul(summary.cost_per_pending, per_item))

    # Cost model: each field resolved counts 1 per time it may run; a list multiplies its
    # sub-selection by its `first`/`limit` (or the connection's), else by the estimate.
    # Type-conditioned fragments on an abstract type are alternatives: the dearest counts.
    def selection_set(self, node, parent_type, introspection: bool) -> _Summary:
        out = _Summary()
        alternatives: dict[str, _Summary] = {}
        for selection in node.selections:
            self.work += 1
            if isinstance(selection, FieldNode):
                sub = self.field(selection, parent_type, introspection)
                self._merge(out, sub, shared=True)
                continue
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                type_name = condition.name.value if condition else None
                inner_type = self._type(type_name, parent_type)
                sub = self.selection_set(selection.selection_set, inner_type, introspection)
            elif isinstance(selection, FragmentSpreadNode):
                sub = self.fragment(selection.name.value, introspection)
                type_name = self.fragments[selection.name.value].type_condition.name.value
            else:  # pragma: no cover - the AST has no other selection kinds
                continue
            if type_name is not None and self.schema.get_type(type_name) is None:
                out.invalid = True
            narrows = (
                type_name is not None
                and parent_type is not None
                and is_abstract_type(parent_type)
                and type_name != parent_type.name
            )
            self._merge(out, sub, shared=not narrows)
            if narrows:
                best = alternatives.setdefault(type_name, _Summary())
                best.cost = _add(best.cost, sub.cost)
                best.cost_per_pending = _add(best.cost_per_pending, sub.cost_per_pending)
        # Dearest alternative, bounded above per part (pending is priced later).
        out.cost = _add(out.cost, max((a.cost for a in alternatives.values()), default=0))
        out.cost_per_pending = _add(
            out.cost_per_pending,
            max((a.cost_per_pending for a in alternatives.values()), default=0),
        )
        return out

    def fragment(self, name: str, introspection: bool) -> _Summary:
        key = (name, introspection)
        found = self.memo.get(key)
        if found is None:
            definition = self.fragments[name]  # every spread was resolved before the walk
            inner_type = self.schema.get_type(definition.type_condition.name.value)
            # A fragment serves every operation: its variable sizes count as the largest.
            defaults, self.variable_defaults = self.variable_defaults, {}
            try:
                found = self.selection_set(definition.selection_set, inner_type, introspection)
            finally:
                self.variable_defaults = defaults
            self.memo[key] = found
        return found

    def _merge(self, out: _Summary, sub: _Summary, *, shared: bool) -> None:
        if shared:
            out.cost = _add(out.cost, sub.cost)
            out.cost_per_pending = _add(out.cost_per_pending, sub.cost_per_pending)
        out.depth = max(out.depth, sub.depth)
        out.introspection_depth = max(out.introspection_depth, sub.introspection_depth)
        out.invalid |= sub.invalid
        out.aliases = _add(out.aliases, sub.aliases)
        out.repeats = max(out.repeats, sub.repeats)
        if out.aliases > self.limits["MAX_ALIASES"]:
            return  # refused anyway: no need to keep names that aliases could multiply
        for name, count in sub.names.items():
            out.names[name] = _add(out.names[name], count)
            out.repeats = max(out.repeats, out.names[name])

    def _type(self, type_name: str | None, parent_type):
        return self.schema.get_type(type_name) if type_name else parent_type

    def field(self, node: FieldNode, parent_type, introspection: bool) -> _Summary:
        name = node.name.value
        out = _Summary(repeats=1)
        if node.alias is not None:
            out.aliases = 1
            self.aliases_seen += 1
            if self.aliases_seen > self.limits["MAX_ALIASES"]:
                raise _Aborted  # as many aliases as that, even without any fan-out
        if name == "__typename":
            out.names[name if node.alias is None else node.alias.value] = 1
            return out
        # Introspection subtrees have a depth limit of their own (the type references of
        # GraphiQL's query nest about 12 levels); the main limit does not count them.
        introspection = introspection or name.startswith("__")
        field_def = self._field_def(parent_type, name)
        if field_def is None:
            # Not in the schema: the spec rules will refuse it, so only its subtree's
            # fan-out matters here. Unknown names are not kept (they are unbounded).
            out.invalid = True
        else:
            out.names[name if node.alias is None else node.alias.value] = 1
        out.cost = 1
        if introspection:
            out.introspection_depth = 1
        else:
            out.depth = 1
        if node.selection_set is None:
            return out
        field_type = field_def.type if field_def is not None else None
        size = self._size_argument(node, field_def, self._max_size(parent_type, name))
        child_type = get_named_type(field_type) if field_type is not None else None
        sub = self.selection_set(node.selection_set, child_type, introspection)
        out.invalid |= sub.invalid
        out.aliases = _add(out.aliases, sub.aliases)
        out.repeats = max(out.repeats, sub.repeats)
        if introspection:
            out.introspection_depth = 1 + sub.introspection_depth
            # Schema data is in memory and bounded by the schema's size: lists count once,
            # and each whole-schema read has a flat price instead.
            out.cost = _add(1 + INTROSPECTION_COST * (name == "__schema"), self.price(sub, None))
            return out
        out.depth = 1 + sub.depth
        out.introspection_depth = sub.introspection_depth
        is_list = field_type is not None and is_list_type(get_nullable_type(field_type))
        if is_list and size is None and name in CONNECTION_LISTS:
            # Sized by the connection above: priced where that size is known.
            out.cost_per_pending = self.price(sub, None)
            return out
        if is_list:
            sub_cost = _mul(size or self.list_estimate, self.price(sub, None))
        else:
            sub_cost = self.price(sub, size)
        out.cost = _add(1, sub_cost)
        return out

    def _field_def(self, parent_type, name):
        if name == "__schema":
            return SchemaMetaFieldDef
        if name == "__type":
            return TypeMetaFieldDef
        fields = getattr(parent_type, "fields", None)
        return fields.get(name) if fields else None

    def _max_size(self, parent_type, name: str) -> int:
        if not _page_sizes or parent_type is None:
            return self.max_size
        found = _page_sizes.get(f"{parent_type.name}.{name}")
        return int(found()) if found is not None else self.max_size

    def _size_argument(self, node: FieldNode, field_def, max_size: int) -> int | None:
        arg_names = set(field_def.args) if field_def is not None else set()
        given = {arg.name.value: arg.value for arg in node.arguments or ()}
        for arg_name in SIZE_ARGUMENTS:
            if arg_name not in arg_names and arg_name not in given:
                continue
            value = given.get(arg_name)
            if isinstance(value, VariableNode):
                value = self.variable_defaults.get(value.name.value)
                if value is None:
                    return max_size
            if isinstance(value, IntValueNode):
                return self._clamp(int(value.value), max_size)
            if value is None and field_def is not None and arg_name in field_def.args:
                default = field_def.args[arg_name].default_value
                if isinstance(default, int) and not isinstance(default, bool):
                    return self._clamp(default, max_size)
            # A variable without default, or a value the resolver will refuse: assume the
            # largest size the API serves.
            return max_size
        return None

    def _clamp(self, value: int, max_size: int) -> int:
        return min(max(value, 1), max_size)

    def operation(self, operation: OperationDefinitionNode, too_complex: bool) -> Measurement:
        self.variable_defaults = {
            definition.variable.name.value: definition.default_value
            for definition in operation.variable_definitions or ()
        }
        root_type = self.schema.get_root_type(operation.operation)
        summary = _Summary()
        self.aliases_seen = 0
        if not too_complex:
            try:
                summary = self.selection_set(operation.selection_set, root_type, False)
            except RecursionError:  # fields nested thousands deep: refuse, do not crash
                too_complex = True
            except _Aborted:
                summary = _Summary(aliases=self.aliases_seen)
        return Measurement(
            operation=operation,
            cost=self.price(summary, None),
            depth=summary.depth,
            introspection_depth=summary.introspection_depth,
            aliases=summary.aliases,
            repeats=summary.repeats,
            too_complex=too_complex,
            invalid=summary.invalid,
        )


# The fragment graph -----------------------------------------------------------------------


def _spreads(node: Node) -> tuple[list[FragmentSpreadNode], int]:
    """Every fragment spread inside `node`, however deep, without following any, and the
    number of selections looked at."""
    found, seen = [], 0
    stack = [node.selection_set]
    while stack:
        selection_set = stack.pop()
        for selection in selection_set.selections:
            seen += 1
            if isinstance(selection, FragmentSpreadNode):
                found.append(selection)
            elif selection.selection_set is not None:
                stack.append(selection.selection_set)
    return found, seen


@dataclass
class DocumentMeasure:
    measurements: list[Measurement]
    errors: list[GraphQLError]  # unknown spreads and cycles: nothing was measured
    work: int  # selections visited, graph pass and measure together


def measure_document(schema, document: DocumentNode, limits=None) -> DocumentMeasure:
    """Resolve the fragment graph, then measure every operation.

    The graph pass lists each definition's spreads once and walks the graph once
    (iteratively, so a long chain cannot exhaust the stack); unknown spreads and cycles are
    refused there, before anything is expanded."""
    limits = limits or get_limits()
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    definitions = [
        d
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode | OperationDefinitionNode)
    ]
    spreads, work = {}, 0
    for definition in definitions:
        spreads[id(definition)], seen = _spreads(definition)
        work += seen
    errors = [
        limit_error(VALIDATION_FAILED, f"Unknown fragment '{s.name.value}'.", s)
        for d in definitions
        for s in spreads[id(d)]
        if s.name.value not in fragments
    ]
    # Colour walk: 1 = on the current path, 2 = done. `height` is the longest chain below.
    colour: dict[str, int] = {}
    height: dict[str, int] = {}
    looped: set[str] = set()
    for start in fragments:
        if start in colour:
            continue
        colour[start] = 1
        stack = [(start, iter(spreads[id(fragments[start])]))]
        while stack:
            name, children = stack[-1]
            for spread in children:
                work += 1
                child = spread.name.value
                if child not in fragments:
                    continue
                if colour.get(child) == 1:
                    if child in looped:
                        continue
                    looped.add(child)
                    errors.append(
                        limit_error(
                            VALIDATION_FAILED,
                            f"Cannot spread fragment '{child}' within itself.",
                            spread,
                        )
                    )
                    continue
                if child not in colour:
                    colour[child] = 1
                    stack.append((child, iter(spreads[id(fragments[child])])))
                    break
            else:
                stack.pop()
                colour[name] = 2
                height[name] = max(
                    (
                        height.get(s.name.value, 0) + 1  # absent: a cycle, reported above
                        for s in spreads[id(fragments[name])]
                        if s.name.value in fragments
                    ),
                    default=0,
                )
    if errors:
        return DocumentMeasure([], errors, work)
    measure = _Measure(schema, fragments, limits)
    measurements = []
    for definition in definitions:
        if isinstance(definition, OperationDefinitionNode):
            too_deep = any(
                height[s.name.value] + 1 > MAX_FRAGMENT_NESTING for s in spreads[id(definition)]
            )
            measurements.append(measure.operation(definition, too_deep))
    return DocumentMeasure(measurements, [], work + measure.work)


def check_document(schema, document: DocumentNode) -> tuple[list[GraphQLError], bool]:
    """(graph and limit errors, whether the document names something the schema lacks),
    without a validation pass. No errors: the document is within every limit."""
    limits = get_limits()
    measured = measure_document(schema, document, limits)
    errors = list(measured.errors)
    for measurement in measured.measurements:
        errors += _violations(measurement, limits)
    return errors, any(m.invalid for m in measured.measurements)


def _violations(measured: Measurement, limits) -> list[GraphQLError]:
    errors = []
    node = measured.operation
    too_deep = (
        measured.depth > limits["MAX_DEPTH"]
        or measured.introspection_depth > INTROSPECTION_MAX_DEPTH
    )
    if too_deep:
        errors.append(
            limit_error(
                "MAX_DEPTH_EXCEEDED",
                f"The query is nested too deeply (limit {limits['MAX_DEPTH']} levels).",
                node,
            )
        )
    if measured.aliases > limits["MAX_ALIASES"]:
        errors.append(
            limit_error(
                "MAX_ALIASES_EXCEEDED",
                f"The query uses more than {limits['MAX_ALIASES']} aliases.",
                node,
            )
        )
    if measured.repeats > limits["MAX_FIELD_REPEATS"]:
        errors.append(
            limit_error(
                "MAX_FIELD_REPEATS_EXCEEDED",
                f"The query selects one field more than {limits['MAX_FIELD_REPEATS']} times"
                " in the same selection.",
                node,
            )
        )
    if measured.too_complex or measured.cost > limits["MAX_COST"]:
        errors.append(
            limit_error(
                "QUERY_COST_EXCEEDED",
                f"The query may return too much data (estimated cost over "
                f"{limits['MAX_COST']}); ask for fewer items or fields.",
                node,
            )
        )
    return errors


# Time budget --------------------------------------------------------------------------------

TIME_EXCEEDED = "REQUEST_TIME_EXCEEDED"


# CPU time of the serving thread: what a request takes from the worker, whatever the load of
# the machine. Waiting on the database is not counted: PostgreSQL's statement_timeout and
# gunicorn's timeout bound that.
clock = time.thread_time
# Reading the thread's CPU clock is a system call (about 1 us, 5,000 times for a page of 100
# articles); the monotonic clock is read in user space. A thread cannot use more CPU time than
# the wall time that passes, so the CPU clock needs reading again only once as much wall time
# has passed as the budget had left at the last reading.
wall_clock = time.monotonic


def deadline() -> float:
    """The `clock()` reading by which a request started now must be done."""
    return clock() + get_limits()["REQUEST_TIME_MS"] / 1000


def time_exceeded_error() -> GraphQLError:
    limit = get_limits()["REQUEST_TIME_MS"]
    return limit_error(
        TIME_EXCEEDED, f"The query took more than {limit} ms of CPU time; ask for less."
    )


DEADLINE_ATTRIBUTE = "kiosque_deadline"


def _is_coroutine(value) -> bool:
    return isinstance(value, CoroutineType)


class DeadlineExecutionContext(ExecutionContext):
    """Stops resolving fields once the request's deadline (an attribute of the context, the
    request) has passed.

    The limits bound what a document may ask; this bounds what it costs whatever the data.
    The check runs before every field: a monotonic clock read, and a CPU clock read when
    enough wall time has passed for the budget to be spent (`wall_clock`). A field not started
    gets the error in its place (a mutation's answer then says which fields ran); the view
    answers a query with the one error instead (`timed_out`)."""

    # The view is synchronous and no resolver is async: graphql-core's default test also looks
    # up `__await__` on every value it completes (tens of thousands per page of articles).
    # A coroutine is still seen, and fails as it did.
    is_awaitable = staticmethod(_is_coroutine)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.deadline = getattr(self.context_value, DEADLINE_ATTRIBUTE, float("inf"))
        self.next_clock_read = float("-inf")  # a wall_clock() reading

    def execute_field(self, parent_type, source, field_nodes, path):
        if wall_clock() < self.next_clock_read or self.within_deadline():
            return super().execute_field(parent_type, source, field_nodes, path)
        field_def = get_field_def(self.schema, parent_type, field_nodes[0])
        error = time_exceeded_error()
        located = GraphQLError(
            error.message, field_nodes, path=path.as_list(), extensions=error.extensions
        )
        self.handle_field_error(located, field_def.type, path)
        return None

    def within_deadline(self) -> bool:
        left = self.deadline - clock()
        if left < 0:
            return False
        self.next_clock_read = wall_clock() + left
        return True


def timed_out(errors) -> bool:
    return any((getattr(e, "extensions", None) or {}).get("code") == TIME_EXCEEDED for e in errors)


__all__ = [
    "DEFAULT_LIMITS",
    "DeadlineExecutionContext",
    "DocumentMeasure",
    "Measurement",
    "check_document",
    "count_tokens",
    "get_limits",
    "measure_document",
]
