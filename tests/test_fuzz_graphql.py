"""Generated queries over the real schema, against a site full of hidden marker strings.

Property, for every query: no 5xx, a JSON answer, no Python exception text, and no marker
from a draft, unpublished, login- or password-restricted page (or one under a hidden section).

Generated argument values are mostly random, so arguments that look pages up (slug, id,
urlPath, section, topic, after) are often swapped for the hidden pages' own values.

A second run sends fragment graphs: fan-out chains ending in unknown or cyclic spreads or real
fields, and generated graphs; each must be answered cleanly after linear work.

200 queries in the suite, 5,000 under `make fuzz` (tests/fuzz_budget.py); KIOSQUE_FUZZ_EXAMPLES
sets another number.
"""

import json
import os
import re

import pytest
from graphql import (
    ArgumentNode,
    DocumentNode,
    IntValueNode,
    StringValueNode,
    Visitor,
    parse,
    print_ast,
    visit,
)
from grapple.schema import schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, queries

from cms.graphql.limits import measure_document
from news.schema import encode_cursor
from tests.fragment_shapes import fan_out_chains, fragment_graphs, selections
from tests.fuzz_budget import examples
from tests.security_tree import HIDDEN_MARKERS, build_leak_tree

EXAMPLES = int(os.environ.get("KIOSQUE_FUZZ_EXAMPLES") or examples(200, full=5000))

PYTHON_TEXT = re.compile(
    r"Traceback|File \"|\b[A-Z]\w*(?:Error|Exception)\b(?!\s*\()|not enough values to "
    r"unpack|Cannot resolve keyword|Choices are|object has no attribute|NoneType|"
    r"unexpected keyword argument|codec can't|invalid literal for"
)


def _identity(document: DocumentNode) -> DocumentNode:
    return document


GRAPHQL_SCHEMA = schema.graphql_schema
DOCUMENTS = st.one_of(
    queries(GRAPHQL_SCHEMA, print_ast=_identity),
    queries(GRAPHQL_SCHEMA, print_ast=_identity, mode=Mode.NEGATIVE),
)


class _SwapArguments(Visitor):
    """Replaces lookup arguments with values that point at hidden (or public) pages."""

    def __init__(self, draw, values):
        super().__init__()
        self.draw = draw
        self.values = values

    def enter_argument(self, node: ArgumentNode, *_args):
        name = node.name.value
        if name == "first" and self.draw(st.booleans()):
            value = IntValueNode(value=str(self.draw(st.integers(1, 100))))
            return ArgumentNode(name=node.name, value=value)
        if name in self.values and self.draw(st.integers(0, 3)):
            value = StringValueNode(value=self.draw(st.sampled_from(self.values[name])))
            return ArgumentNode(name=node.name, value=value)
        return None


@pytest.fixture
def tree(db):
    built = build_leak_tree()
    pages = [*built.pages.values(), built.public, built.other]
    values = {
        "slug": [p.slug for p in pages],
        "id": [str(p.pk) for p in pages],
        "urlPath": ["/" + "/".join(p.url_path.strip("/").split("/")[1:]) + "/" for p in pages],
        "section": ["monde", "coulisses", "interne"],
        "topic": ["climat"],
        "after": [encode_cursor(p) for p in pages if p.published_at],
    }
    return built, values


def check_response(response) -> dict:
    assert response.status_code < 500, response.content[:2000]
    assert response["Content-Type"] == "application/json"
    text = response.content.decode()
    payload = json.loads(text)
    assert not PYTHON_TEXT.search(text), text[:2000]
    leaked = [marker for marker in HIDDEN_MARKERS if marker in text]
    assert not leaked, (leaked, text[:2000])
    for error in payload.get("errors", []):
        # A masked crash hides nothing from the client but is still a bug.
        assert error["extensions"]["code"] != "INTERNAL_ERROR", error
    return payload


@pytest.mark.django_db
def test_generated_queries_never_fail_or_leak(client, tree):
    _built, values = tree
    seen = {"data": 0, "errors": 0}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def run(data):
        document = data.draw(DOCUMENTS)
        document = visit(document, _SwapArguments(data.draw, values))
        query = print_ast(document)
        response = client.post(
            "/graphql/", data=json.dumps({"query": query}), content_type="application/json"
        )
        payload = check_response(response)
        seen["data" if payload.get("data") else "errors"] += 1

    run()
    # The run must exercise resolvers, not only refusals.
    assert seen["data"] >= EXAMPLES // 5, seen


FRAGMENT_DOCUMENTS = st.one_of(fan_out_chains(), fragment_graphs().map(lambda graph: graph[0]))


@pytest.mark.django_db
def test_fragment_graphs_are_answered_cleanly_after_linear_work(client, tree):
    @settings(
        max_examples=max(50, EXAMPLES // 5),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(query=FRAGMENT_DOCUMENTS)
    def run(query):
        document = parse(query)
        assert measure_document(GRAPHQL_SCHEMA, document).work <= 4 * selections(document)
        response = client.post(
            "/graphql/", data=json.dumps({"query": query}), content_type="application/json"
        )
        check_response(response)

    run()
