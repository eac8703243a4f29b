"""Apollo-style automatic persisted queries over GET and POST, and the allow-list mode."""

import hashlib
import json
from urllib.parse import urlencode

import pytest
from django.core.management import CommandError, call_command

from tests.factories import dated, make_article, make_section, make_site

QUERY = "{ articles(first: 5) { edges { node { title } } } }"
HASH = hashlib.sha256(QUERY.encode()).hexdigest()


def ext(digest=HASH, version=1):
    return json.dumps({"persistedQuery": {"version": version, "sha256Hash": digest}})


def get(client, **params):
    return client.get("/graphql/?" + urlencode(params))


@pytest.fixture
def site(db):
    home = make_site()
    make_article(make_section(home, "Monde"), "Premier", published_at=dated(1))


@pytest.fixture
def registry_file(settings, tmp_path):
    settings.KIOSQUE_PERSISTED_QUERIES = {
        **settings.KIOSQUE_PERSISTED_QUERIES,
        "REGISTRY": str(tmp_path / "persisted_queries.json"),
    }
    return tmp_path / "persisted_queries.json"


def test_unknown_hash_gets_persisted_query_not_found(client, site, registry_file):
    response = get(client, extensions=ext())
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["message"] == "PersistedQueryNotFound"
    assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert response["Cache-Control"] == "no-store"


def test_round_trip_over_get(client, site, registry_file):
    assert "errors" in get(client, extensions=ext()).json()
    registered = get(client, query=QUERY, extensions=ext())
    assert registered.json()["data"]["articles"]["edges"][0]["node"]["title"] == "Premier"
    by_hash = get(client, extensions=ext())
    assert by_hash.json() == registered.json()
    # Cacheable by URL.
    assert by_hash["Cache-Control"].startswith("public")
    assert by_hash.has_header("ETag")


def test_round_trip_over_post(client, site, registry_file):
    body = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": HASH}}}
    post = lambda b: client.post("/graphql/", json.dumps(b), content_type="application/json")  # noqa: E731
    assert post(body).json()["errors"][0]["message"] == "PersistedQueryNotFound"
    assert "data" in post({**body, "query": QUERY}).json()
    assert post(body).json()["data"]["articles"]["edges"][0]["node"]["title"] == "Premier"


def test_a_wrong_hash_is_refused_and_not_registered(client, site, registry_file):
    wrong = "0" * 64
    response = get(client, query=QUERY, extensions=ext(wrong))
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    assert get(client, extensions=ext(wrong)).json()["errors"][0]["message"] == (
        "PersistedQueryNotFound"
    )


@pytest.mark.parametrize(
    "extensions",
    [
        "not json",
        "[1]",
        json.dumps({"persistedQuery": {"version": 2, "sha256Hash": HASH}}),
        json.dumps({"persistedQuery": {"version": 1, "sha256Hash": "abc"}}),
        json.dumps({"persistedQuery": "x"}),
    ],
)
def test_bad_extensions_are_clear_400s(client, site, registry_file, extensions):
    response = get(client, extensions=extensions)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"]


def test_registry_command_and_allow_list_mode(client, site, registry_file, settings, tmp_path):
    document = tmp_path / "liste.graphql"
    document.write_text(QUERY, encoding="utf-8")
    call_command("register_persisted_queries", str(document))
    assert json.loads(registry_file.read_text())["queries"] == {HASH: QUERY}

    settings.KIOSQUE_PERSISTED_QUERIES = {**settings.KIOSQUE_PERSISTED_QUERIES, "ONLY": True}
    # A registered query is answered by hash, without having been sent first...
    assert "data" in get(client, extensions=ext()).json()
    # ...and by text.
    assert "data" in get(client, query=QUERY).json()
    # Anything else is refused, even sent with its correct hash.
    other = "{ sections { title } }"
    other_hash = hashlib.sha256(other.encode()).hexdigest()
    for response in (
        get(client, query=other),
        get(client, query=other, extensions=ext(other_hash)),
    ):
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"
    assert get(client, extensions=ext(other_hash)).json()["errors"][0]["message"] == (
        "PersistedQueryNotFound"
    )


def test_registry_command_reads_apollo_manifests(registry_file, tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [{"id": HASH, "body": QUERY, "name": "Liste"}],
            }
        )  # fmt: skip
    )
    call_command("register_persisted_queries", str(manifest))
    assert HASH in json.loads(registry_file.read_text())["queries"]


def test_registry_command_rejects_bad_documents(registry_file, tmp_path):
    bad = tmp_path / "bad.graphql"
    bad.write_text("{ articles(", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("register_persisted_queries", str(bad))
    with pytest.raises(CommandError):
        call_command("register_persisted_queries", str(tmp_path / "missing.graphql"))
    assert not registry_file.exists()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("{ articles(first: 5) { edges { node { title } } ", "GRAPHQL_PARSE_FAILED"),
        ("query Bad { articles { nope } }", "GRAPHQL_VALIDATION_FAILED"),
        ("query Deep { ...F0 } fragment F0 on Query { ...Nope }", "GRAPHQL_VALIDATION_FAILED"),
        (
            "query Costly { " + " ".join(f"a{i}: __typename" for i in range(40)) + " }",
            "MAX_ALIASES_EXCEEDED",
        ),
    ],
)
def test_only_queries_that_parse_validate_and_fit_the_limits_are_registered(
    client, site, registry_file, text, code
):
    digest = hashlib.sha256(text.encode()).hexdigest()
    sent = get(client, query=text, extensions=ext(digest))
    assert code in [error["extensions"]["code"] for error in sent.json()["errors"]]
    assert get(client, extensions=ext(digest)).json()["errors"][0]["message"] == (
        "PersistedQueryNotFound"
    )
