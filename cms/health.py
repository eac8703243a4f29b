"""Liveness and readiness probes for load balancers, orchestrators and the Docker HEALTHCHECK.

`/healthz` proves only that a worker answers: it touches nothing else, so a database outage does
not get every container restarted. `/readyz` checks the database and the cache, and answers 503
with the failing check named, so traffic is held back until the dependencies are reachable.
"""

import logging
import uuid

from django.core.cache import caches
from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

READY_KEY = "kiosque:readyz"


def check_database(alias: str = "default") -> str | None:
    """None when the database answers a trivial query, else a short reason."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("readyz: database check failed: %s", exc)
        return f"database unreachable ({type(exc).__name__})"
    return None


def check_cache(alias: str = "default") -> str | None:
    """None when the cache stores and returns a value, else a short reason.

    A round trip of a fresh token, so a cache wrapper that swallows errors (fail-open) still
    reports the outage here instead of hiding it.
    """
    token = uuid.uuid4().hex
    try:
        cache = caches[alias]
        cache.set(READY_KEY, token, timeout=10)
        if cache.get(READY_KEY) != token:
            return "cache unreachable (value not stored)"
    except Exception as exc:  # any backend error means not ready
        logger.warning("readyz: cache check failed: %s", exc)
        return f"cache unreachable ({type(exc).__name__})"
    return None


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    checks = {"database": check_database(), "cache": check_cache()}
    failed = {name: reason for name, reason in checks.items() if reason}
    body = {
        "status": "unavailable" if failed else "ok",
        "checks": {name: (reason or "ok") for name, reason in checks.items()},
    }
    if failed:
        body["reason"] = "; ".join(failed.values())
    return JsonResponse(body, status=503 if failed else 200)
