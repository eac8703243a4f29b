"""Hole 8: no raw Python exception text reaches clients, and malformed requests never 500."""

import json
import logging
import re

import pytest
from django.core.exceptions import FieldError
from graphql import GraphQLError

from home.models import HomePage
from news import selectors
from news.models import ArticlePage
from tests.factories import make_article, make_section, make_site
from tests.shared_data import rolled_back

# Text that only Python (or Django) internals produce.
PYTHON_TEXT = re.compile(
    r"Traceback|File \"|\w+Error:|\w+Exception|not enough values to unpack|Cannot resolve "
    r"keyword|Choices are|object has no attribute|unexpected keyword|NoneType|codec can't"
)


@pytest.fixture(scope="module")
def _site(django_db_setup, django_db_blocker):
    # Built once for the module (tests/shared_data.py); the tests only read it.
    with rolled_back(django_db_blocker):
        home = make_site()
        section = make_section(home, "Monde", slug="monde")
        make_article(section, "Article", slug="article")
        yield home.pk


@pytest.fixture
def site(db, _site):
    return HomePage.objects.get(pk=_site)


def codes(payload) -> list[str]:
    return [error["extensions"]["code"] for error in payload["errors"]]


def _raiser(exc):
    def raise_(*args, **kwargs):
        raise exc

    return raise_


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("not enough values to unpack (expected 2, got 1)"),
        FieldError("Cannot resolve keyword 'owner__password' into field. Choices are: id, path"),
        AttributeError("'NoneType' object has no attribute 'specific'"),
        GraphQLError("A message written for developers, with internals in it."),
    ],
    ids=["ValueError", "FieldError", "AttributeError", "uncoded GraphQLError"],
)
def test_unexpected_exceptions_are_masked_and_logged(gql, site, monkeypatch, caplog, exc):
    monkeypatch.setattr(selectors, "sections_for_request", _raiser(exc))
    with caplog.at_level(logging.ERROR, logger="kiosque.graphql"):
        payload = gql.query('{ sections { title } article(slug: "article") { title } }')
    errors = payload["errors"]
    assert errors == [
        {
            "message": "Internal error",
            "locations": [{"line": 1, "column": 3}],
            "path": ["sections"],
            "extensions": {"code": "INTERNAL_ERROR"},
        }
    ]
    # The rest of the query still answers.
    assert payload["data"] == {"sections": None, "article": {"title": "Article"}} or (
        payload["data"] is None
    )
    assert str(exc) not in json.dumps(payload)
    assert not PYTHON_TEXT.search(json.dumps(payload))
    # Details go to the log, with the traceback.
    record = next(r for r in caplog.records if r.name == "kiosque.graphql")
    assert record.exc_info[1] is exc


def test_serialisation_errors_do_not_echo_internal_values(gql, site, monkeypatch):
    monkeypatch.setattr(
        ArticlePage, "public_date", lambda self, info, **kw: {"secret": "valeur interne"}
    )
    payload = gql.query('{ article(slug: "article") { title publishedAt } }')
    assert codes(payload) == ["INTERNAL_ERROR"]
    assert "valeur interne" not in json.dumps(payload)


def test_errors_raised_on_purpose_reach_the_client(gql, site):
    payload = gql.query('{ articles(after: "pas-un-curseur") { totalCount } }')
    assert payload["errors"][0]["message"] == "The cursor is not valid; start again without one."
    assert codes(payload) == ["BAD_CURSOR"]
    payload = gql.query('{ article(slug: "a", id: "1") { title } }')
    assert payload["errors"][0]["message"].startswith("Give exactly one of urlPath, slug")
    assert codes(payload) == ["BAD_ARGUMENT"]


@pytest.mark.parametrize(
    "cursor",
    ["", "====", "W10", "WzEsMl0", "WyJub3QtYS1kYXRlIiwgMV0", "WyIyMDI2LTAxLTAxIiwgLTFd", "\x01"],
)
def test_malformed_cursors_get_one_stable_message(gql, site, cursor):
    payload = gql.query("query($c: String) { articles(after: $c) { totalCount } }", {"c": cursor})
    if cursor == "":
        assert "errors" not in payload  # empty means "from the start"
        return
    assert codes(payload) == ["BAD_CURSOR"]
    assert not PYTHON_TEXT.search(json.dumps(payload))


def test_explicit_null_arguments_mean_their_default(gql, site):
    """Found by the fuzz test: `first: null` reached a comparison with None."""
    data = gql.data("{ articles(first: null, after: null, section: null) { totalCount } }")
    assert data["articles"]["totalCount"] == 1


@pytest.mark.parametrize(
    "query, variables",
    [
        ('{ article(slug: "a\\u0000b") { title } }', None),
        ('{ section(slug: "a\\u{0}b") { title } }', None),
        ("query($s: String!) { section(slug: $s) { title } }", {"s": "monde\x00"}),
        ("query($t: String) { articles(topic: $t) { totalCount } }", {"t": "\x00"}),
    ],
)
def test_nul_characters_in_arguments_are_refused(gql, site, query, variables):
    """Found by the fuzz test on PostgreSQL, which refuses NUL in text values."""
    payload = gql.query(query, variables)
    assert codes(payload) == ["BAD_ARGUMENT"]
    assert payload["errors"][0]["message"] == (
        "Text arguments must not contain NUL characters (U+0000)."
    )


def test_ids_and_cursors_beyond_a_bigint_are_not_found(gql, site):
    """PostgreSQL raises on integers beyond 64 bits; they can match nothing anyway."""
    assert gql.data('{ article(id: "99999999999999999999") { title } }') == {"article": None}
    import base64

    cursor = base64.urlsafe_b64encode(b'["2026-01-01T00:00:00+00:00", 99999999999999999999]')
    payload = gql.query(
        "query($c: String) { articles(after: $c) { totalCount } }", {"c": cursor.decode()}
    )
    assert codes(payload) == ["BAD_CURSOR"]


def test_graphql_errors_keep_their_standard_messages_with_a_code(gql, site):
    payload = gql.query("{ sections { title }")
    assert payload["errors"][0]["message"].startswith("Syntax Error:")
    assert codes(payload) == ["GRAPHQL_PARSE_FAILED"]
    payload = gql.query("query($n: Int) { articles(first: $n) { totalCount } }", {"n": "vingt"})
    assert codes(payload) == ["BAD_USER_INPUT"]
    assert "Int cannot represent non-integer value" in payload["errors"][0]["message"]
    payload = gql.query("query A { home { title } } query B { home { title } }")
    assert codes(payload) == ["BAD_USER_INPUT"]


def post_raw(client, body, content_type="application/json", **extra):
    return client.post("/graphql/", data=body, content_type=content_type, **extra)


BAD_REQUESTS = {
    "malformed JSON": ("{query: ", "application/json", 400, "BAD_REQUEST"),
    "invalid UTF-8": (b"\xff\xfe{}", "application/json", 400, "BAD_REQUEST"),
    "JSON string": ('"{ home { title } }"', "application/json", 400, "BAD_REQUEST"),
    "JSON null": ("null", "application/json", 400, "BAD_REQUEST"),
    "JSON array": (
        '[{"query": "{ home { title } }"}]',
        "application/json",
        400,
        "BATCH_NOT_SUPPORTED",
    ),  # fmt: skip
    "missing query": ("{}", "application/json", 400, "BAD_REQUEST"),
    "null query": ('{"query": null}', "application/json", 400, "BAD_REQUEST"),
    "numeric query": ('{"query": 42}', "application/json", 400, "BAD_REQUEST"),
    "object query": ('{"query": {"a": 1}}', "application/json", 400, "BAD_REQUEST"),
    "list variables": (
        '{"query": "{ home { title } }", "variables": [1]}',
        "application/json",
        400,
        "BAD_REQUEST",
    ),  # fmt: skip
    "string variables not JSON": (
        '{"query": "{ home { title } }", "variables": "{oops"}',
        "application/json",
        400,
        "BAD_REQUEST",
    ),  # fmt: skip
    "numeric operationName": (
        '{"query": "{ home { title } }", "operationName": 3}',
        "application/json",
        400,
        "BAD_REQUEST",
    ),  # fmt: skip
    "unknown operationName": (
        '{"query": "query A { home { title } }", "operationName": "B"}',
        "application/json",
        400,
        "BAD_USER_INPUT",
    ),  # fmt: skip
    "plain text": ("{ home { title } }", "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE"),
    "multipart": ("x", "multipart/form-data; boundary=zz", 415, "UNSUPPORTED_MEDIA_TYPE"),
    "graphql body not UTF-8": (b"\xff{ home }", "application/graphql", 400, "BAD_REQUEST"),
    "empty body": ("", "application/json", 400, "BAD_REQUEST"),
}


@pytest.mark.parametrize("case", sorted(BAD_REQUESTS))
def test_malformed_requests_get_a_clean_4xx(client, db, case):
    body, content_type, status, code = BAD_REQUESTS[case]
    response = post_raw(client, body, content_type)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    payload = response.json()
    assert codes(payload) == [code]
    assert not PYTHON_TEXT.search(response.content.decode())


def test_form_bodies_with_too_many_fields_are_a_clean_400(client, db):
    body = "&".join(f"f{i}=1" for i in range(1200))
    response = post_raw(client, body, "application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert codes(response.json()) == ["BAD_REQUEST"]


def test_bad_content_length_is_a_clean_400(client, db):
    response = post_raw(client, "{}", CONTENT_LENGTH="abc")
    assert response.status_code == 400
    assert codes(response.json()) == ["BAD_REQUEST"]


def test_graphql_content_type_and_get_still_work(client, site):
    response = post_raw(client, "{ home { title } }", "application/graphql")
    assert response.json() == {"data": {"home": {"title": "Kiosque"}}}
    response = client.get("/graphql/", {"query": "{ home { title } }"})
    assert response.json() == {"data": {"home": {"title": "Kiosque"}}}


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused_cleanly(client, db, method):
    response = getattr(client, method)("/graphql/", data="{}", content_type="application/json")
    assert response.status_code == 405
    assert codes(response.json()) == ["METHOD_NOT_ALLOWED"]
