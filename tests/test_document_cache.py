"""Parsed and validated documents are reused; invalid ones keep failing the same way."""

from unittest import mock

import graphql
import pytest

from cms.graphql import documents, validation
from tests.factories import make_site


@pytest.fixture(autouse=True)
def _empty_cache():
    documents.clear()
    yield
    documents.clear()


@pytest.mark.django_db
def test_same_query_is_parsed_and_validated_once(gql):
    make_site()
    query = "{ sections { title } } # unique to this test"
    with (
        mock.patch.object(validation, "parse", wraps=graphql.parse) as parse,
        mock.patch.object(validation, "validate", wraps=graphql.validate) as validate,
    ):
        for _ in range(3):
            assert gql.data(query) == {"sections": []}
    assert parse.call_count == 1
    assert validate.call_count >= 1
    calls_for_one_request = validate.call_count
    with mock.patch.object(validation, "validate", wraps=graphql.validate) as again:
        gql.data(query)
    assert again.call_count == 0
    assert calls_for_one_request <= 2  # introspection rule (production) + the spec rules


@pytest.mark.django_db
def test_changing_a_limit_is_not_hidden_by_the_cache(gql, settings):
    make_site()
    query = "{ sections { title slug url } }"
    assert "errors" not in gql.query(query)
    settings.KIOSQUE_LIMITS = {**settings.KIOSQUE_LIMITS, "MAX_DEPTH": 1}
    assert gql.query(query)["errors"][0]["extensions"]["code"]


@pytest.mark.django_db
def test_invalid_documents_keep_their_errors(gql):
    make_site()
    for _ in range(2):
        payload = gql.query("{ sections { nope } }")
        assert "Cannot query field 'nope'" in payload["errors"][0]["message"]
    for _ in range(2):
        payload = gql.query("{ sections { ")
        assert payload["errors"][0]["message"].startswith("Syntax Error")


def many_operations(seed: int, operations: int = 160) -> str:
    """A valid document of about 4 KB: many small operations, like the reported attack."""
    return " ".join(f"query Q{seed}x{i} {{ __typename }}" for i in range(operations))


def test_the_cache_is_bounded_in_bytes_and_memory_stops_growing(settings):
    import gc
    import tracemalloc

    from grapple.schema import schema

    # A small budget keeps the run short (every document is parsed and validated under
    # tracemalloc); what matters is the ratio: the cache is filled, then three times its
    # budget more goes through.
    budget = 24 * 1024
    settings.KIOSQUE_LIMITS = {**settings.KIOSQUE_LIMITS, "DOCUMENT_CACHE_BYTES": budget}
    queries = [many_operations(seed) for seed in range(26)]
    size = len(queries[0])
    filled = 8
    assert size * filled > budget
    assert size * (len(queries) - filled) > 3 * budget
    tracemalloc.start()
    try:
        for query in queries[:filled]:
            assert documents.cached_document_for(schema.graphql_schema, query)[1] == []
        # Dropped documents may wait in reference cycles for the collector: count what is held.
        gc.collect()
        full = tracemalloc.get_traced_memory()[0]
        for query in queries[filled:]:
            assert documents.cached_document_for(schema.graphql_schema, query)[1] == []
        gc.collect()
        later = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert documents.weight() <= budget
    assert documents.weight() > budget - 2 * size  # filled, not emptied
    # Three times the budget went through; what is held stayed the same.
    assert later < full * 1.2


def test_a_document_over_a_quarter_of_the_budget_is_not_kept(settings):
    from grapple.schema import schema

    settings.KIOSQUE_LIMITS = {**settings.KIOSQUE_LIMITS, "DOCUMENT_CACHE_BYTES": 8 * 1024}
    large = many_operations(1, operations=100)  # about 2.5 KB
    assert len(large) > 2 * 1024
    assert documents.cached_document_for(schema.graphql_schema, large)[1] == []
    assert documents.weight() == 0
    small = "query Small { __typename }"
    documents.cached_document_for(schema.graphql_schema, small)
    assert documents.weight() == len(small)
