"""Deployment switches: introspection and suggestions, GraphiQL, CORS, Django's deploy checks."""

import json
import os
import secrets
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.processes import run_python

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = "https://www.kiosque.example"


def codes(payload):
    return [error["extensions"]["code"] for error in payload["errors"]]


# Introspection and suggestions ----------------------------------------------------------------


@pytest.fixture
def introspection_off(settings):
    settings.KIOSQUE_GRAPHQL_INTROSPECTION = False


@pytest.mark.parametrize(
    "query",
    [
        "{ __schema { types { name } } }",
        '{ __type(name: "ArticlePage") { fields { name } } }',
        "{ ...F } fragment F on Query { __schema { queryType { name } } }",
    ],
)
def test_introspection_can_be_switched_off(gql, db, introspection_off, query):
    payload = gql.query(query)
    assert "INTROSPECTION_DISABLED" in codes(payload)
    assert "ArticlePage" not in json.dumps(payload)


def test_typename_works_with_introspection_off(gql, db, introspection_off):
    assert gql.data("{ __typename sections { __typename } }") == {
        "__typename": "Query",
        "sections": [],
    }


@pytest.mark.parametrize(
    "query, hint",
    [
        ("{ sectons { title } }", "Did you mean 'sections'"),
        ("{ articles(frist: 1) { totalCount } }", "Did you mean 'first'?"),
        ("{ sections { titel } }", "Did you mean 'title'?"),
        ("{ article(slug: 1) { title } }", None),
    ],
)
def test_did_you_mean_hints_follow_introspection(gql, db, settings, query, hint):
    settings.KIOSQUE_GRAPHQL_INTROSPECTION = True
    shown = json.dumps(gql.query(query))
    if hint:
        assert hint in shown
    settings.KIOSQUE_GRAPHQL_INTROSPECTION = False
    hidden = gql.query(query)
    assert hidden["errors"]
    assert "Did you mean" not in json.dumps(hidden)


# GraphiQL -------------------------------------------------------------------------------------


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.assets = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        url = attrs.get("src") if tag == "script" else attrs.get("href") if tag == "link" else None
        if url:
            self.assets.append((tag, url, attrs))


def test_graphiql_loads_no_outside_assets_and_pins_its_vendored_ones(client, db):
    # GraphiQL's assets are served from this host (tests/test_graphiql_offline.py checks their
    # content); nothing is fetched from a CDN, and the vendored files keep their integrity hash.
    response = client.get("/graphiql/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    parser = _Assets()
    parser.feed(response.content.decode())
    assert parser.assets
    external = [a for a in parser.assets if a[1].startswith(("http:", "https:", "//"))]
    assert not external, external
    vendored = [a for a in parser.assets if a[1].startswith("/static/graphiql/")]
    assert len(vendored) == 8
    for _tag, url, attrs in vendored:
        assert attrs.get("integrity", "").startswith(("sha256-", "sha384-", "sha512-")), url


def test_the_api_view_never_serves_graphiql(client, db):
    response = client.get("/graphql/", HTTP_ACCEPT="text/html")
    assert response["Content-Type"] == "application/json"
    assert b"<html" not in response.content


# CORS -----------------------------------------------------------------------------------------


@pytest.fixture
def cors(settings):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED]


def _preflight(client, origin):
    return client.options(
        "/graphql/",
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )


def test_cors_allows_listed_origins(client, db, cors):
    response = _preflight(client, ALLOWED)
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    response = client.post(
        "/graphql/",
        data='{"query": "{ __typename }"}',
        content_type="application/json",
        HTTP_ORIGIN=ALLOWED,
    )
    assert response["Access-Control-Allow-Origin"] == ALLOWED


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "null", "https://www.kiosque.example.evil.example"]
)
def test_cors_refuses_other_origins(client, db, cors, origin):
    assert "Access-Control-Allow-Origin" not in _preflight(client, origin)
    response = client.post(
        "/graphql/",
        data='{"query": "{ __typename }"}',
        content_type="application/json",
        HTTP_ORIGIN=origin,
    )
    assert "Access-Control-Allow-Origin" not in response


def test_cors_headers_only_on_the_api(client, db, cors):
    response = client.get("/admin/login/", HTTP_ORIGIN=ALLOWED)
    assert "Access-Control-Allow-Origin" not in response


# Production settings (in a subprocess: settings modules are read once per process) ------------

# Fresh interpreters on production settings: CI runs these on the PostgreSQL + Redis leg only.
PRODUCTION_PROCESS = pytest.mark.postgres_leg

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve
from cms.graphql.view import graphiql_view
try:
    graphiql_routed = resolve("/graphiql/").func is graphiql_view
except Resolver404:
    graphiql_routed = False
response = Client().get(
    "/graphql/", {"query": "{ __schema { queryType { name } } }"},
    HTTP_ACCEPT="text/html", HTTP_HOST="api.kiosque.example", secure=True,
)
print(json.dumps({
    "debug": settings.DEBUG,
    "graphiql": settings.KIOSQUE_GRAPHIQL,
    "graphiql_routed": graphiql_routed,
    "introspection": settings.KIOSQUE_GRAPHQL_INTROSPECTION,
    "cors_origins": settings.CORS_ALLOWED_ORIGINS,
    "cors_all": getattr(settings, "CORS_ALLOW_ALL_ORIGINS", False),
    "status": response.status_code,
    "content_type": response["Content-Type"],
    "body": response.content.decode(),
}))
"""


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSQUE_", "CORS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="api.kiosque.example",
        DATABASE_URL="sqlite:///" + str(ROOT / "var" / "deploy-check.sqlite3"),
        CORS_ALLOWED_ORIGINS=f"{ALLOWED},https://app.kiosque.example",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    env.pop("REDIS_URL", None)
    return env


def _run(args, env):
    return run_python(*args, env=env)


@pytest.fixture(scope="module")
def production():
    result = _run(["-c", PROBE], production_env())
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@PRODUCTION_PROCESS
def test_production_never_routes_graphiql(production):
    assert production["debug"] is False
    assert production["graphiql"] is False
    assert production["graphiql_routed"] is False
    assert production["content_type"] == "application/json"
    assert "<html" not in production["body"]


@PRODUCTION_PROCESS
def test_production_turns_introspection_off(production):
    assert production["introspection"] is False
    body = json.loads(production["body"])
    assert body["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"
    assert production["status"] == 400


@PRODUCTION_PROCESS
def test_production_introspection_can_be_enabled_by_env():
    code = "import cms.settings.production as p; print(p.KIOSQUE_GRAPHQL_INTROSPECTION)"
    on = _run(["-c", code], production_env(KIOSQUE_GRAPHQL_INTROSPECTION="true"))
    assert on.stdout.strip() == "True", on.stderr


@PRODUCTION_PROCESS
def test_production_cors_origins_come_from_the_environment(production):
    assert production["cors_origins"] == [ALLOWED, "https://app.kiosque.example"]
    assert production["cors_all"] is False


@PRODUCTION_PROCESS
def test_limits_are_read_from_the_environment():
    code = "import cms.settings.production as p, json; print(json.dumps(p.KIOSQUE_LIMITS))"
    result = _run(["-c", code], production_env(KIOSQUE_MAX_DEPTH="7", KIOSQUE_MAX_COST="900"))
    limits = json.loads(result.stdout)
    assert limits["MAX_DEPTH"] == 7 and limits["MAX_COST"] == 900
    assert limits["MAX_ALIASES"] == 30


@PRODUCTION_PROCESS
def test_check_deploy_passes_at_warning_level():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@PRODUCTION_PROCESS
def test_check_deploy_fails_with_a_weak_secret_key():
    """Shows the check above has teeth: a short key is a warning, and warnings fail it."""
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(SECRET_KEY="court"),
    )
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr
