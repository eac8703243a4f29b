"""Liveness and readiness probes: /healthz answers while the process lives, /readyz only while the
database and the cache are reachable, and says which one is not."""

import pytest
from django.db import OperationalError, connections


def test_healthz_answers_json_without_touching_the_database(client):
    # No django_db mark: any database access here would raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_ok_when_database_and_cache_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_503_with_a_reason_when_the_cache_is_down(client, settings):
    # Nothing listens on port 1: the Redis client gets "connection refused" at once.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"].startswith("cache unreachable")
    assert "cache unreachable" in body["reason"]


@pytest.mark.django_db
def test_readyz_is_503_with_a_reason_when_the_database_is_down(client, monkeypatch):
    connection = connections["default"]

    def broken_cursor(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"] == {
        "database": "database unreachable (OperationalError)",
        "cache": "ok",
    }
    assert body["reason"] == "database unreachable (OperationalError)"


def test_healthz_stays_up_when_the_database_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("down")

    monkeypatch.setattr(connections["default"], "cursor", broken_cursor)
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_refuse_writes(client, path):
    assert client.post(path).status_code == 405
