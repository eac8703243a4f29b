"""What one anonymous request may cost: server time, URL length, text it can send.

The budget's clock (CPU time of the serving thread) is faked, each read advancing it, so it is
tested by counting, not by waiting on a shared machine."""

import base64
import itertools
import json
from pathlib import Path

import pytest

from cms.graphql import limits
from home.models import HomePage
from newsletter.models import Subscriber
from tests.factories import make_article, make_section, make_site
from tests.processes import gunicorn_config
from tests.shared_data import rolled_back

ROOT = Path(__file__).resolve().parent.parent
LISTING = "query L { articles(first: 8) { edges { node { title slug standfirst } } } }"


@pytest.fixture(scope="module")
def _newsroom(django_db_setup, django_db_blocker):
    # Built once for the module (tests/shared_data.py); the tests only read it.
    with rolled_back(django_db_blocker):
        home = make_site()
        section = make_section(home, "Monde", slug="monde")
        for index in range(8):
            make_article(section, f"Article {index}", slug=f"article-{index}")
        yield home.pk


@pytest.fixture
def newsroom(db, _newsroom):
    return HomePage.objects.get(pk=_newsroom)


def post_raw(client, body: str):
    return client.post("/graphql/", data=body.encode("utf-8", "surrogatepass"),
                       content_type="application/json")  # fmt: skip


def codes(response) -> list[str]:
    return [error["extensions"]["code"] for error in response.json()["errors"]]


# Time budget --------------------------------------------------------------------------------


def tick_both_clocks(monkeypatch) -> dict:
    """The CPU and wall clocks advance together, 100 ms per read of either (a thread alone on
    its core: its CPU time is the wall time). Returns the count of CPU clock reads."""
    ticks = itertools.count()
    reads = {"cpu": 0}

    def cpu():
        reads["cpu"] += 1
        return next(ticks) * 0.1

    monkeypatch.setattr(limits, "clock", cpu)
    monkeypatch.setattr(limits, "wall_clock", lambda: next(ticks) * 0.1)
    return reads


@pytest.fixture
def ticking_clock(monkeypatch):
    """8 articles x 3 fields read the clocks about 40 times: over 2 s."""
    return tick_both_clocks(monkeypatch)


def test_a_request_over_its_time_budget_gets_one_clear_error(client, newsroom, ticking_clock):
    response = post_raw(client, json.dumps({"query": LISTING}))
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "message": "The query took more than 2000 ms of CPU time; ask for less.",
                "extensions": {"code": "REQUEST_TIME_EXCEEDED"},
            }
        ]
    }


def test_the_same_request_within_its_budget_is_answered(client, newsroom, settings, monkeypatch):
    reads = tick_both_clocks(monkeypatch)
    settings.KIOSQUE_LIMITS = {**settings.KIOSQUE_LIMITS, "REQUEST_TIME_MS": 60_000}
    response = post_raw(client, json.dumps({"query": LISTING}))
    assert response.status_code == 200
    assert len(response.json()["data"]["articles"]["edges"]) == 8
    # 33 fields, each checked; the CPU clock (a system call) read only when the wall clock says
    # the budget may be spent: here once to set the deadline, once at the first field.
    assert reads["cpu"] == 2


def test_the_cpu_clock_is_read_again_once_the_budget_may_be_spent(client, newsroom, settings,
                                                                  monkeypatch):  # fmt: skip
    # 1 s of budget, 100 ms per clock read: the wall clock says every few fields that the CPU
    # clock may have caught up, until it has.
    reads = tick_both_clocks(monkeypatch)
    settings.KIOSQUE_LIMITS = {**settings.KIOSQUE_LIMITS, "REQUEST_TIME_MS": 1000}
    response = post_raw(client, json.dumps({"query": LISTING}))
    assert codes(response) == ["REQUEST_TIME_EXCEEDED"]
    assert 2 < reads["cpu"] < 10


def test_a_mutation_field_not_started_before_the_deadline_does_not_run(
    client, newsroom, ticking_clock, settings
):
    settings.KIOSQUE_LIMITS = {**settings.KIOSQUE_LIMITS, "REQUEST_TIME_MS": 0}
    mutation = (
        'mutation S { subscribeNewsletter(email: "lente@example.com", consent: true) { ok } }'
    )
    response = post_raw(client, json.dumps({"query": mutation}))
    assert codes(response) == ["REQUEST_TIME_EXCEEDED"]
    assert response.json()["data"] == {"subscribeNewsletter": None}
    assert not Subscriber.objects.filter(email="lente@example.com").exists()


def test_the_time_budget_is_a_setting_read_from_the_environment():
    base = (ROOT / "cms" / "settings" / "base.py").read_text()
    assert '"REQUEST_TIME_MS": env_int("KIOSQUE_REQUEST_TIME_MS", 2000)' in base


# gunicorn -----------------------------------------------------------------------------------


def test_gunicorn_runs_the_sync_worker_whose_timeout_stops_a_request(monkeypatch):
    cfg = gunicorn_config(monkeypatch)
    # gthread's heartbeat comes from its main thread, busy or not: its timeout never fires.
    assert cfg.worker_class_str == "sync"
    assert cfg.threads == 1
    assert cfg.timeout == 30
    assert gunicorn_config(monkeypatch, GUNICORN_THREADS="4").worker_class_str == "gthread"


def test_the_apps_json_414_comes_before_gunicorns_html_one(monkeypatch, settings):
    cfg = gunicorn_config(monkeypatch)
    longest_line = len("GET /graphql/? HTTP/1.1") + settings.KIOSQUE_LIMITS["MAX_URL_BYTES"]
    assert longest_line < cfg.limit_request_line


# Long URLs ----------------------------------------------------------------------------------


def test_an_overlong_url_gets_a_json_414(client, db):
    response = client.get("/graphql/", {"query": "query Q { __typename }" + " " * 8000})
    assert response.status_code == 414
    assert response["Content-Type"] == "application/json"
    assert codes(response) == ["REQUEST_TOO_LARGE"]
    assert response.json()["errors"][0]["message"] == "The URL is too long (limit 8000 bytes)."


# Unencodable text ---------------------------------------------------------------------------

SURROGATE_QUERIES = {
    "slug": "query Q($v: String) { article(slug: $v) { title } }",
    "path": "query Q($v: String) { article(urlPath: $v) { title } }",
    "topic": "query Q($v: String) { articles(topic: $v) { totalCount } }",
    "author": "query Q($v: String) { articles(author: $v) { totalCount } }",
    "section": "query Q($v: String) { articles(section: $v) { totalCount } }",
    "section by slug": "query Q($v: String!) { section(slug: $v) { title } }",
    "search": "query Q($v: String!) { search(query: $v) { totalCount } }",
    "after": "query Q($v: String) { articles(after: $v) { totalCount } }",
    "source": "mutation M($v: String) { subscribeNewsletter(email: "
    '"s@example.com", consent: true, source: $v) { ok } }',
}


@pytest.mark.parametrize("argument", sorted(SURROGATE_QUERIES))
def test_lone_surrogates_in_variables_are_bad_arguments(client, newsroom, argument):
    query = json.dumps(SURROGATE_QUERIES[argument])
    body = '{"query": ' + query + ', "variables": {"v": "a\\ud800b"}}'
    response = post_raw(client, body)
    assert response.status_code == 400
    assert codes(response) == ["BAD_ARGUMENT"]
    assert not Subscriber.objects.filter(email="s@example.com").exists()


@pytest.mark.parametrize(
    "body",
    [
        # An escape inside a GraphQL string literal.
        json.dumps({"query": 'query Q { article(slug: "a\\uD800") { title } }'}),
        # A raw surrogate in the query text, sent as a JSON escape.
        '{"query": "query Q { article(slug: \\"a\\ud800\\") { title } }"}',
        # In a variable's name, and in the operation name.
        '{"query": "query Q { __typename }", "variables": {"\\udfff": 1}}',
        '{"query": "query Q { __typename }", "operationName": "Q\\ud800"}',
    ],
)
def test_lone_surrogates_anywhere_in_the_request_are_bad_arguments(client, newsroom, body):
    response = post_raw(client, body)
    assert response.status_code in (200, 400)
    assert codes(response) == ["BAD_ARGUMENT"] or "GRAPHQL_PARSE_FAILED" in codes(response)


def test_lone_surrogates_over_get_are_bad_arguments(client, newsroom):
    response = client.get(
        "/graphql/",
        {
            "query": "query Q($v: String) { article(slug: $v) { title } }",
            "variables": '{"v": "\\ud800"}',
        },
    )
    assert codes(response) == ["BAD_ARGUMENT"]


def test_a_valid_surrogate_pair_is_ordinary_text(gql, newsroom):
    payload = gql.query("query Q($v: String) { article(slug: $v) { title } }", {"v": "😀"})
    assert payload == {"data": {"article": None}}


# Nested cursors -----------------------------------------------------------------------------


def nested_cursor(depth: int) -> str:
    return base64.urlsafe_b64encode(("[" * depth + "]" * depth).encode()).decode()


@pytest.mark.parametrize(
    "query",
    [
        "query Q($c: String) { articles(after: $c) { totalCount } }",
        'query Q($c: String) { search(query: "monde", after: $c) { totalCount } }',
        "query Q($c: String) { redirects(after: $c) { edges { cursor } } }",
    ],
)
def test_deeply_nested_cursors_are_bad_cursors(gql, newsroom, query):
    payload = gql.query(query, {"c": nested_cursor(5000)})
    assert [e["extensions"]["code"] for e in payload["errors"]] == ["BAD_CURSOR"]
