"""Hole: mutations reachable through CORS-simple requests (issue 11.7), over plain HTTP.

The browser test (test_cross_site_writes_browser.py) shows the attack from a foreign page; these
pin the server's rule itself: a mutation runs only from a JSON (or application/graphql) body.
"""

import json

import pytest

from newsletter.models import Subscriber
from tests.newsletter_helpers import no_rate_limits  # noqa: F401

pytestmark = pytest.mark.django_db

MUTATION = 'mutation { subscribeNewsletter(email: "%s", consent: true) { ok } }'


def refused(response):
    assert response.status_code == 415, response.content
    payload = response.json()
    assert payload["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert "application/json" in payload["errors"][0]["message"]
    return True


def test_form_encoded_mutation_is_refused_and_stores_nothing(client, no_rate_limits):  # noqa: F811
    response = client.post(
        "/graphql/",
        "query=" + MUTATION % "form@example.com",
        content_type="application/x-www-form-urlencoded",
    )
    assert refused(response)
    assert not Subscriber.objects.filter(email="form@example.com").exists()


@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data; boundary=x", "text/plain", "text/plain;charset=UTF-8", ""],
)
def test_other_simple_bodies_cannot_carry_a_mutation(client, content_type, no_rate_limits):  # noqa: F811
    body = json.dumps({"query": MUTATION % "simple@example.com"})
    response = client.generic("POST", "/graphql/", body, content_type=content_type)
    assert response.status_code in (400, 415), response.content
    assert response.json()["errors"][0]["extensions"]["code"] in (
        "UNSUPPORTED_MEDIA_TYPE",
        "BAD_REQUEST",
    )
    assert not Subscriber.objects.filter(email="simple@example.com").exists()


def test_form_encoded_queries_still_read(client):
    response = client.post(
        "/graphql/",
        "query={ sections { slug } }",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"sections": []}}


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", json.dumps({"query": MUTATION % "json@example.com"})),
        ("application/json; charset=utf-8", json.dumps({"query": MUTATION % "json@example.com"})),
        ("application/graphql", MUTATION % "json@example.com"),
    ],
)
def test_json_and_graphql_bodies_still_write(client, content_type, body, no_rate_limits):  # noqa: F811
    response = client.generic("POST", "/graphql/", body, content_type=content_type)
    assert response.json() == {"data": {"subscribeNewsletter": {"ok": True}}}
    assert Subscriber.objects.filter(email="json@example.com").count() == 1
