"""The clients frontends really use work against a running Kiosque: Apollo Client (POST, GET
with its `Content-Type: application/json`, persisted queries over GET, a 304 on revalidation)
and Python's gql. The queries are the README's own three."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from gql import Client
from gql import gql as parse
from gql.transport.requests import RequestsHTTPTransport

from tests.factories import dated, feature, make_article, make_section, make_site

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = Path(__file__).resolve().parent / "clients"
NODE = shutil.which("node")
NPM = shutil.which("npm")


def readme_queries() -> list[dict]:
    """The README's first three GraphQL blocks (front page, article, infinite scroll)."""
    blocks = re.findall(r"```graphql\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    front, article, more = blocks[:3]
    return [
        {"query": front, "variables": {}},
        {"query": article, "variables": {"path": "/international/sommet/"}},
        {"query": more, "variables": {"after": None}},
    ]


# Transactional, so the live server thread sees what the test writes; serialized rollback
# reloads the rows migrations created (root page, locale) after an earlier flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def newsroom():
    home = make_site()
    section = make_section(home, "International", slug="international")
    sommet = make_article(section, "Le sommet", slug="sommet", published_at=dated(2))
    make_article(section, "La veille", slug="veille", published_at=dated(1))
    feature(home, sommet)
    return home


def check_answers(answers: list[dict]) -> None:
    front, article, more = answers
    assert front["home"]["featuredArticles"][0]["title"] == "Le sommet"
    assert article["article"]["title"] == "Le sommet"
    assert [e["node"]["title"] for e in more["articles"]["edges"]] == ["Le sommet", "La veille"]


@pytest.fixture(scope="module")
def apollo():
    if NODE is None or NPM is None:
        pytest.skip("Node.js is not installed: the Apollo test needs it (apt-get install npm)")
    if not (CLIENTS / "node_modules" / "@apollo" / "client").exists():
        subprocess.run(  # noqa: S603 - fixed arguments, from the committed package-lock.json
            [NPM, "ci", "--no-audit", "--no-fund"], cwd=CLIENTS, check=True, timeout=600,
            capture_output=True,
        )  # fmt: skip
    return NODE


def test_apollo_client_over_post_get_and_persisted_get(apollo, newsroom, live_server, tmp_path):
    spec = tmp_path / "input.json"
    spec.write_text(
        json.dumps({"url": f"{live_server.url}/graphql/", "queries": readme_queries()})
    )
    run = subprocess.run(  # noqa: S603
        [apollo, str(CLIENTS / "apollo.mjs"), str(spec)],
        cwd=CLIENTS, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    for mode in ("post", "get", "persistedFirst", "persistedAgain"):
        check_answers(report["modes"][mode])

    gets = [r for r in report["requests"] if r["method"] == "GET"]
    # Apollo sends a JSON Content-Type with its GETs: the case that used to get a 400.
    assert gets and all(r["contentType"] == "application/json" for r in gets)
    assert all(r["status"] == 200 for r in report["requests"])

    # Second pass of persisted queries: hash only, over GET, answered.
    again = report["persistedRequests"][-3:]
    assert all(r["method"] == "GET" and not r["hasQueryText"] for r in again)
    assert report["revalidation"] == {"status": 304, "etag": again[-1]["etag"]}


@pytest.mark.parametrize("method", ["POST"])
def test_python_gql_client(newsroom, live_server, method):
    transport = RequestsHTTPTransport(url=f"{live_server.url}/graphql/", method=method)
    with Client(transport=transport) as session:
        answers = [
            session.execute(parse(q["query"]), variable_values=q["variables"])
            for q in readme_queries()
        ]
    check_answers(answers)


def test_gql_get_with_its_body_gets_a_clear_error(newsroom, live_server):
    """gql's method="GET" sends the query in a body, which a GET must not carry here."""
    from gql.transport.exceptions import TransportQueryError, TransportServerError

    transport = RequestsHTTPTransport(url=f"{live_server.url}/graphql/", method="GET")
    with (
        pytest.raises((TransportQueryError, TransportServerError)) as raised,
        Client(transport=transport) as session,
    ):
        session.execute(parse("query Sections { sections { title } }"))
    assert "URL" in str(raised.value) or "400" in str(raised.value)
