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
