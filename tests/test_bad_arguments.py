"""Bad arguments get a clear GraphQL error with a machine-readable code, never a crash."""

import base64
import json

import pytest

from tests.factories import (
    dated,
    make_article,
    make_image,
    make_image_with_renditions,
    make_section,
    make_site,
)
from tests.shared_data import rolled_back

pytestmark = pytest.mark.django_db

LIST = (
    "query ($first: Int, $after: String) { articles(first: $first, after: $after) { totalCount } }"  # noqa: E501
)
# Words that would mean Python internals reached the client.
INTERNALS = ("Traceback", "Error", "exception", "NoneType", "int()", "SQLite", "psycopg",
             "PostgreSQL", "NUL (0x00) bytes", "not supported between")  # fmt: skip


@pytest.fixture(scope="module")
def newsroom(django_db_setup, django_db_blocker):
    with rolled_back(django_db_blocker):
        home = make_site()
        section = make_section(home, "Monde")
        for n in range(3):
            make_article(section, f"Article {n}", slug=f"article-{n}", published_at=dated(n))
        yield section


def _cursor(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def _single_error(response, code: str) -> dict:
    assert response.status_code != 500
    assert response.status_code in (200, 400)
    payload = response.json()
    assert len(payload["errors"]) == 1, payload
    error = payload["errors"][0]
    assert error["extensions"] == {"code": code}
    assert set(error) <= {"message", "locations", "path", "extensions"}
    for word in INTERNALS:
        assert word not in error["message"], error["message"]
    return error


@pytest.mark.parametrize("first", [0, -1, 101, 1000])
def test_first_outside_1_to_100_is_refused(gql, newsroom, first):
    error = _single_error(gql.post(LIST, {"first": first}), "BAD_ARGUMENT")
    assert error["message"] == "`first` must be between 1 and 100."
    assert error["path"] == ["articles"]


@pytest.mark.parametrize("first", [1, 100])
def test_first_at_the_bounds_is_accepted(gql, newsroom, first):
    assert gql.data(LIST, {"first": first})["articles"]["totalCount"] == 3


def test_first_null_means_the_default_page_size(gql, newsroom):
    query = "{ articles(first: null) { edges { cursor } } }"
    assert len(gql.data(query)["articles"]["edges"]) == 3


def test_first_too_big_for_a_graphql_int_is_a_validation_error(gql, newsroom):
    response = gql.post("{ articles(first: 3000000000) { totalCount } }")
    assert response.status_code == 400
    assert "Int cannot represent" in response.json()["errors"][0]["message"]


BAD_CURSORS = {
    "garbage": "not a cursor at all!",
    "forged-bytes": base64.urlsafe_b64encode(b"\xff\xfe\x00garbage").decode(),
    "empty-json-list": _cursor([]),
    "json-object": _cursor({"published_at": "2026-03-02T08:00:00+00:00", "id": 3}),
    "json-number": _cursor(42),
    "json-string": _cursor("ab"),
    "three-items": _cursor(["2026-03-02T08:00:00+00:00", 3, 4]),
    "id-as-string": _cursor(["2026-03-02T08:00:00+00:00", "3"]),
    "id-as-bool": _cursor(["2026-03-02T08:00:00+00:00", True]),
    "id-zero": _cursor(["2026-03-02T08:00:00+00:00", 0]),
    "id-negative": _cursor(["2026-03-02T08:00:00+00:00", -7]),
    "id-too-large": _cursor(["2026-03-02T08:00:00+00:00", 10**30]),
    "id-just-past-int64": _cursor(["2026-03-02T08:00:00+00:00", 2**63]),
    "id-float": _cursor(["2026-03-02T08:00:00+00:00", 3.5]),
    "naive-date": _cursor(["2026-03-02T08:00:00", 3]),
    "not-a-date": _cursor(["hier", 3]),
    "date-as-number": _cursor([1700000000, 3]),
    "date-past-year-9999": _cursor(["9999-12-31T23:59:59-14:00", 3]),
    "date-before-year-1": _cursor(["0001-01-01T00:00:00+14:00", 3]),
    "non-ascii": "é" * 12,
}


@pytest.mark.parametrize("cursor", BAD_CURSORS.values(), ids=BAD_CURSORS.keys())
def test_a_forged_or_malformed_cursor_is_refused(gql, newsroom, cursor):
    error = _single_error(gql.post(LIST, {"first": 2, "after": cursor}), "BAD_CURSOR")
    assert error["message"] == "The cursor is not valid; start again without one."


def test_a_real_cursor_is_accepted(gql, newsroom):
    query = "{ articles(first: 1) { pageInfo { endCursor } } }"
    cursor = gql.data(query)["articles"]["pageInfo"]["endCursor"]
    assert gql.data(LIST, {"first": 2, "after": cursor})["articles"]["totalCount"] == 3


def test_errors_also_come_back_clean_over_get(client, newsroom):
    response = client.get("/graphql/", {"query": "{ articles(first: 0) { totalCount } }"})
    _single_error(response, "BAD_ARGUMENT")
    response = client.get(
        "/graphql/", {"query": '{ articles(after: "%%%") { totalCount } }'.replace("%%%", "x!")}
    )
    _single_error(response, "BAD_CURSOR")


ONE = "query ($slug: String, $urlPath: String, $id: ID) { article(slug: $slug, urlPath: $urlPath, id: $id) { slug } }"  # noqa: E501


@pytest.mark.parametrize(
    "variables",
    [
        {},
        {"slug": None, "id": None},
        {"slug": "article-1", "id": "1"},
        {"slug": "article-1", "urlPath": "/monde/article-1/"},
        {"slug": "article-1", "urlPath": "/monde/article-1/", "id": "1"},
    ],
    ids=["none", "all-null", "slug+id", "slug+path", "all-three"],
)
def test_article_needs_exactly_one_identifier(gql, newsroom, variables):
    error = _single_error(gql.post(ONE, variables), "BAD_ARGUMENT")
    assert error["message"] == "Give exactly one of urlPath, slug, id or token."


@pytest.mark.parametrize("pk", ["abc", "-3", "0", "1.5", str(10**30), str(2**63)])
def test_an_id_that_cannot_name_an_article_finds_nothing(gql, newsroom, pk):
    assert gql.data(ONE, {"id": pk}) == {"article": None}


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (ONE, {"slug": "article\x001"}),
        (ONE, {"urlPath": "/monde/\x00/"}),
        ("query ($s: String!) { section(slug: $s) { slug } }", {"s": "mon\x00de"}),
        ("query ($s: String) { articles(section: $s) { totalCount } }", {"s": "\x00"}),
        ("query ($s: String) { articles(topic: $s) { totalCount } }", {"s": "a\x00"}),
        ("query ($s: String) { articles(author: $s) { totalCount } }", {"s": "a\x00"}),
    ],
    ids=["slug", "urlPath", "section", "articles-section", "topic", "author"],
)
def test_nul_characters_in_arguments_are_refused(gql, newsroom, query, variables):
    # PostgreSQL raises on NUL in text; SQLite would silently find nothing. Same answer on both.
    error = _single_error(gql.post(query, variables), "BAD_ARGUMENT")
    assert "must not contain NUL characters" in error["message"]


def test_src_set_sizes_outside_the_allowed_widths_are_refused(gql, newsroom):
    make_article(newsroom, "Photo", slug="photo", published_at=dated(9), lead_image=make_image())
    query = '{ article(slug: "photo") { leadImage { srcSet(sizes: [320, 333]) } } }'
    error = _single_error(gql.post(query), "BAD_ARGUMENT")
    assert "333" in error["message"]


def test_repeated_src_set_sizes_are_accepted_once(gql, newsroom):
    image = make_image_with_renditions()
    make_article(newsroom, "Photo", slug="photo", published_at=dated(9), lead_image=image)
    query = '{ article(slug: "photo") { leadImage { srcSet(sizes: [640, 320, 640, 320, 640, 320, 640, 320, 640]) } } }'  # noqa: E501
    src_set = gql.data(query)["article"]["leadImage"]["srcSet"]
    assert [part.rsplit(" ", 1)[1] for part in src_set.split(", ")] == ["320w", "640w"]


def test_get_answers_like_post(client, gql, newsroom):
    query = "{ articles(first: 2) { totalCount edges { node { slug } } } }"
    response = client.get("/graphql/", {"query": query})
    assert response.status_code == 200
    assert response.json() == {"data": gql.data(query)}
    assert response.json()["data"]["articles"]["edges"][0]["node"]["slug"] == "article-2"


@pytest.mark.parametrize(
    "cursor_json",
    [
        '["2026-03-02T08:00:00+00:00", 100000000000000000000000000000]',
        '["2026-03-02T08:00:00+00:00", true]',
    ],
    ids=["huge-id", "boolean-id"],
)
def test_redirect_cursors_with_ids_no_row_can_have_are_refused(gql, newsroom, cursor_json):
    import base64

    cursor = base64.urlsafe_b64encode(cursor_json.encode()).decode().rstrip("=")
    response = gql.post(
        "query ($a: String) { redirects(after: $a) { edges { cursor } } }", {"a": cursor}
    )
    _single_error(response, "BAD_CURSOR")


def test_redirects_and_changes_accept_an_explicit_null_page_size(gql, newsroom):
    data = gql.data(
        "{ redirects(first: null) { edges { cursor } } changes(first: null) { hasMore } }"
    )
    assert data["redirects"]["edges"] == []
    assert data["changes"]["hasMore"] is False
