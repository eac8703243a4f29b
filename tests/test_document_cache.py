"""Parsed and validated documents are reused; invalid ones keep failing the same way."""

from unittest import mock

import graphql
import pytest

from cms.graphql import documents
from tests.factories import make_site


@pytest.mark.django_db
def test_same_query_is_parsed_and_validated_once(gql):
    make_site()
    query = "{ sections { title } } # unique to this test"
    with (
        mock.patch.object(documents.graphql, "parse", wraps=graphql.parse) as parse,
        mock.patch.object(documents.graphql, "validate", wraps=graphql.validate) as validate,
    ):
        for _ in range(3):
            assert gql.data(query) == {"sections": []}
    assert parse.call_count == 1
    assert validate.call_count == 1


@pytest.mark.django_db
def test_invalid_documents_keep_their_errors(gql):
    make_site()
    for _ in range(2):
        payload = gql.query("{ sections { nope } }")
        assert "Cannot query field 'nope'" in payload["errors"][0]["message"]
    for _ in range(2):
        payload = gql.query("{ sections { ")
        assert payload["errors"][0]["message"].startswith("Syntax Error")
