"""The limit walk is linear in the document: fragments are measured once, and unknown
spreads and cycles are refused before anything is expanded.

Work is counted (selections visited), not timed: the machine is shared, and a count cannot
be flaky. The shapes are those of the exponential-walk attack: each fragment spreads the next
twice, and the chain ends in an unknown spread, a spread of itself, or real fields.
"""

import json
import re
from unittest import mock

import pytest
from graphql import FieldNode, parse, visit
from graphql.language import Visitor
from grapple.schema import schema
from hypothesis import HealthCheck, assume, given, settings

from cms.graphql import documents, validation
from cms.graphql.limits import get_limits, measure_document
from tests.fragment_shapes import fan_out_chain, fragment_graphs, selections
from tests.fuzz_budget import examples

SCHEMA = schema.graphql_schema


SHAPES = {
    "unknown spread": ("...Nope", "GRAPHQL_VALIDATION_FAILED", "Unknown fragment 'Nope'."),
    "spread of itself": ("...F24", "GRAPHQL_VALIDATION_FAILED", "within itself"),
    "spread of the first": ("...F0", "GRAPHQL_VALIDATION_FAILED", "within itself"),
    "real field leaves": ("sections { title }", "QUERY_COST_EXCEEDED", "too much data"),
    "real fields, distinct": (
        "home { title } sections { slug }",
        "QUERY_COST_EXCEEDED",
        "too much data",
    ),
}


@pytest.fixture(autouse=True)
def _fresh_documents():
    documents.clear()
    yield
    documents.clear()


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_fan_out_chains_are_refused_with_linear_work(client, db, shape):
    end, code, message = SHAPES[shape]
    query = fan_out_chain(24, end)
    assert len(query.encode()) < 1100  # the reported 1 KB attack: 2**24 expansions before
    with mock.patch.object(validation, "validate", wraps=validation.validate) as spec_rules:
        response = client.post(
            "/graphql/", data=json.dumps({"query": query}), content_type="application/json"
        )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert code in [error["extensions"]["code"] for error in errors]
    assert any(message in error["message"] for error in errors)
    # Refused by the limit walk alone: graphql-core's validation never ran.
    # Work: one pass to list spreads, one over the graph, one to measure (about 3 per node).
    assert spec_rules.call_count == 0
    document = parse(query)
    work = measure_document(SCHEMA, document).work
    assert work <= 4 * selections(document)


def test_work_grows_with_the_chain_length_not_with_its_expansion():
    works = [
        measure_document(SCHEMA, parse(fan_out_chain(k, "sections { title }"))).work
        for k in (8, 16, 32)
    ]
    # Doubling the chain doubles the work (plus a constant); the expansion squares it.
    assert works[2] - works[1] == 2 * (works[1] - works[0])


def test_wide_fan_out_is_refused_with_linear_work(gql, db):
    query = fan_out_chain(12, "home { title }", fan=8)  # 8**12 expansions written out
    document = parse(query)
    assert measure_document(SCHEMA, document).work <= 4 * selections(document)
    assert "QUERY_COST_EXCEEDED" in [e["extensions"]["code"] for e in gql.query(query)["errors"]]


def test_a_cycle_through_several_fragments_is_refused_before_measuring(gql, db):
    query = """query Loop { ...A }
        fragment A on Query { sections { title } ...B ...B }
        fragment B on Query { home { title } ...C ...C }
        fragment C on Query { ...A ...A }"""
    measured = measure_document(SCHEMA, parse(query))
    assert measured.measurements == []  # nothing was measured
    payload = gql.query(query)
    assert [e["extensions"]["code"] for e in payload["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]
    assert "Cannot spread fragment 'A' within itself." in payload["errors"][0]["message"]


def test_unknown_fragments_in_an_unused_fragment_are_refused_too(gql, db):
    payload = gql.query("query Q { __typename } fragment U on Query { ...Missing }")
    assert "Unknown fragment 'Missing'." in [e["message"] for e in payload["errors"]]


def test_unknown_fields_skip_the_quadratic_overlap_rule(gql, db):
    # Unknown names are not counted as repeats; the overlap rule would compare them pairwise.
    query = "query Q { " + "nope " * 2000 + "}"
    with mock.patch.object(validation, "validate", wraps=validation.validate) as spec_rules:
        payload = gql.query(query)
    assert payload["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    rules_used = [call.args[2] for call in spec_rules.call_args_list]
    assert validation.OverlappingFieldsCanBeMergedRule not in rules_used[-1]


def test_variables_inside_fragments_count_as_the_largest_page(gql, db):
    # A fragment is measured once for every operation, so it cannot use one's defaults.
    inline = "query Q($n: Int = 10) { articles(first: $n) { edges { node { title } } } }"
    spread = (
        "query Q($n: Int = 10) { ...L } "
        "fragment L on Query { articles(first: $n) { edges { node { title } } } }"
    )
    (small,) = measure_document(SCHEMA, parse(inline)).measurements
    (large,) = measure_document(SCHEMA, parse(spread)).measurements
    assert large.cost > small.cost


# Property: for any fragment graph, linear work; for acyclic ones, the same figures as the
# document with every spread written out as an inline fragment. -----------------------------


def written_out(bodies: list[str], roots: list[int], budget: int) -> str | None:
    """The operation with every spread replaced by its fragment's body (None if too big)."""
    spread = re.compile(r"\.\.\.F(\d+)")

    def expand(text: str, depth: int) -> str:
        if depth > 12 or len(text) > budget:
            raise OverflowError
        return spread.sub(
            lambda m: "... on Query { " + expand(bodies[int(m.group(1))], depth + 1) + " }", text
        )

    try:
        body = expand(" ".join(f"...F{r}" for r in roots), 0)
    except (OverflowError, RecursionError):
        return None
    return None if len(body) > budget else "query G { " + body + " }"


def outcome(measurement, limits) -> tuple:
    over = measurement.aliases > limits["MAX_ALIASES"]
    if over:
        return ("aliases",)
    return (measurement.cost, measurement.depth, measurement.aliases, measurement.repeats)


@settings(
    max_examples=examples(100, full=3000),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(fragment_graphs())
def test_limit_walk_is_linear_and_agrees_with_the_written_out_document(graph):
    query, bodies, roots = graph
    document = parse(query)
    measured = measure_document(SCHEMA, document)
    assert measured.work <= 4 * selections(document) + len(bodies)
    if measured.errors:
        return  # an unknown spread or a cycle: refused before any expansion
    expanded = written_out(bodies, roots, budget=20_000)
    assume(expanded is not None)
    (spread_form,) = measured.measurements
    (inline_form,) = measure_document(SCHEMA, parse(expanded)).measurements
    limits = get_limits()
    assert outcome(spread_form, limits) == outcome(inline_form, limits)


def test_field_nodes_are_not_revisited_per_spread():
    # One fragment with many fields spread from many places: each field is visited once.
    fields = " ".join(f"f{i}: sections {{ title }}" for i in range(5))
    query = (
        "query Q { "
        + " ".join(f"...B{i}" for i in range(20))
        + " } "
        + " ".join(f"fragment B{i} on Query {{ ...Big }}" for i in range(20))
        + f" fragment Big on Query {{ {fields} }}"
    )
    document = parse(query)
    visited = measure_document(SCHEMA, document).work
    field_nodes = 0

    class Count(Visitor):
        def enter_field(self, node: FieldNode, *_args):
            nonlocal field_nodes
            field_nodes += 1

    visit(document, Count())
    assert visited <= 4 * selections(document)
    assert field_nodes < visited
