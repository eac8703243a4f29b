"""Deeply nested JSON, oversized bodies and wrong types in any part of a request get a clear
4xx with a code, never a 500: in the body, in GET `variables` and `extensions`, and on the
persisted-query path, which reads the request before the GraphQL view does."""

import json

import pytest

from tests.factories import make_site

DEEP = 30_000
HASH = "a" * 64


def nested_list(depth: int) -> str:
    return "[" * depth + "]" * depth


def nested_object(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


def assert_clear_error(response, status=400):
    assert response.status_code == status, response.content[:300]
    payload = response.json()
    assert payload["errors"][0]["extensions"]["code"], payload


@pytest.mark.django_db
def test_a_deeply_nested_json_body_is_a_400(client):
    make_site()
    response = client.post("/graphql/", nested_list(DEEP), content_type="application/json")
    assert_clear_error(response)


@pytest.mark.django_db
@pytest.mark.parametrize("param", ["variables", "extensions"])
def test_deeply_nested_get_parameters_are_a_400(client, settings, param):
    # Deep enough to trouble the JSON parser is longer than the default URL limit: raise it.
    settings.KIOSQUE_LIMITS = {**settings.KIOSQUE_LIMITS, "MAX_URL_BYTES": 64 * 1024}
    make_site()
    response = client.get("/graphql/", {"query": "{ home { title } }", param: nested_object(3000)})
    assert_clear_error(response)


@pytest.mark.django_db
def test_a_deeply_nested_persisted_query_body_is_a_400(client):
    make_site()
    body = '{"extensions": ' + nested_object(5000) + "}"  # deep, yet under the size limit
    response = client.post("/graphql/", body, content_type="application/json")
    assert_clear_error(response)


@pytest.mark.django_db
def test_an_oversized_body_is_refused_before_it_is_parsed(client):
    make_site()
    body = json.dumps({"query": "{ home { title } }", "padding": "x" * 1_000_000})
    response = client.post("/graphql/", body, content_type="application/json")
    assert_clear_error(response, status=413)


@pytest.mark.django_db
@pytest.mark.parametrize("query", [123, True, {}, [1], 1.5])
def test_a_persisted_query_whose_text_is_not_a_string_is_a_400(client, query):
    make_site()
    body = {"query": query, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": HASH}}}
    response = client.post("/graphql/", json.dumps(body), content_type="application/json")
    assert_clear_error(response)
