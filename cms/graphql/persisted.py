"""Automatic persisted queries (Apollo's APQ protocol) and an optional allow-list mode.

A client sends `extensions={"persistedQuery":{"version":1,"sha256Hash":H}}` without the query
(over GET, so CDNs cache by URL). Unknown hash: the answer is a `PersistedQueryNotFound` error
and the client sends the query again with its hash, which registers it (the hash is checked).

Registered queries live in Django's cache (Redis in production): losing them only costs one
round trip, which APQ clients handle by themselves, so no table is needed. Only a query
that parses, passes the limits and validates is registered. Queries that must
survive anything go in the committed registry file (`persisted_queries.json`, filled by
`manage.py register_persisted_queries`). With KIOSQUE_PERSISTED_QUERIES_ONLY=true the API
answers only the queries of that file, by hash or by text.
"""

from __future__ import annotations

import hashlib
import json
import logging
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.http import JsonResponse
from django.utils.cache import patch_cache_control

from cms.graphql.documents import cached_document_for
from cms.graphql.security import RequestError, check_request_size, decoded_body, json_loads
from cms.upstream import replace_request_body

logger = logging.getLogger(__name__)

KEY_PREFIX = "kiosque:apq:"
NOT_FOUND = "PersistedQueryNotFound"


def options() -> dict:
    return settings.KIOSQUE_PERSISTED_QUERIES


def sha256(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


@lru_cache(maxsize=4)
def _load_registry(path: str, mtime: float) -> dict[str, str]:
    file = Path(path)
    if not file.exists():
        return {}
    data = json.loads(file.read_text(encoding="utf-8"))
    return {h: q for h, q in data.get("queries", {}).items() if sha256(q) == h}


def registry() -> dict[str, str]:
    """hash -> query text of the committed registry file (reloaded when the file changes)."""
    path = Path(options()["REGISTRY"])
    mtime = path.stat().st_mtime if path.exists() else 0.0
    return _load_registry(str(path), mtime)


def write_registry(queries: dict[str, str]) -> Path:
    path = Path(options()["REGISTRY"])
    merged = {**registry(), **queries}
    payload = {"version": 1, "queries": dict(sorted(merged.items()))}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _cache():
    return caches[options()["ALIAS"]]


def lookup(digest: str) -> str | None:
    found = registry().get(digest)
    if found is not None or options()["ONLY"]:
        return found
    try:
        return _cache().get(KEY_PREFIX + digest)
    except Exception as exc:  # noqa: BLE001 - a cache outage only means "not found"
        logger.warning("Persisted query lookup failed: %s", exc)
        return None


def registrable(query: str) -> bool:
    """Whether `query` parses, passes the limits and validates: only such text is stored, so
    a hash cannot be made to keep garbage (or an attack) for the cache's 30 days."""
    from graphene_django.settings import graphene_settings

    _document, errors = cached_document_for(graphene_settings.SCHEMA.graphql_schema, query)
    return not errors


def store(digest: str, query: str) -> None:
    try:
        _cache().set(KEY_PREFIX + digest, query, timeout=options()["TIMEOUT"])
    except Exception as exc:  # noqa: BLE001
        logger.warning("Persisted query registration failed: %s", exc)


def _error(message: str, code: str, status: int = 200) -> JsonResponse:
    response = JsonResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status=status
    )
    patch_cache_control(response, no_store=True)
    return response


def _request_data(request) -> tuple[dict | None, dict]:
    """(JSON body or None, the `extensions` object) of a GET or JSON POST."""
    if request.method == "GET":
        raw = request.GET.get("extensions")
        body = None
    else:
        if request.content_type != "application/json":
            return None, {}
        check_request_size(request)
        try:
            body = json_loads(decoded_body(request) or "{}")
        except ValueError:
            return None, {}  # the view reports the bad body itself
        if not isinstance(body, dict):
            return None, {}
        raw = body.get("extensions")
    if isinstance(raw, str):
        try:
            raw = json_loads(raw)
        except ValueError:
            raise BadExtensions from None
    if raw is not None and not isinstance(raw, dict):
        raise BadExtensions
    return body, raw or {}


class BadExtensions(Exception):
    pass


def _given_query(request, body) -> str | None:
    if request.method == "GET":
        return request.GET.get("query") or None
    query = (body or {}).get("query")
    return None if query in (None, "") else query


def _set_query(request, body, query: str) -> None:
    if request.method == "GET":
        params = request.GET.copy()
        params["query"] = query
        request.GET = params
    else:
        body["query"] = query
        # graphene-django reads request.body again; give it the completed document.
        replace_request_body(request, json.dumps(body).encode())


def handle(request, build):
    """Resolve or register a persisted query, then build the response as usual."""
    if request.method not in ("GET", "POST"):
        return build()
    try:
        body, extensions = _request_data(request)
    except BadExtensions:
        return _error("`extensions` must be a JSON object.", "BAD_REQUEST", 400)
    except RequestError as exc:  # too large, or not UTF-8
        return _error(exc.message, exc.kiosque_code, exc.response.status_code)
    persisted = extensions.get("persistedQuery")
    query = _given_query(request, body)
    if query is not None and not isinstance(query, str):
        return _error("`query` must be a string.", "BAD_REQUEST", 400)

    if persisted is None:
        if options()["ONLY"] and query is not None and sha256(query) not in registry():
            return _error(
                "Only registered queries are accepted here.", "PERSISTED_QUERY_NOT_ALLOWED", 400
            )
        return build()

    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        return _error("Unsupported persistedQuery version.", "PERSISTED_QUERY_NOT_SUPPORTED", 400)
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or len(digest) != 64:
        return _error("persistedQuery.sha256Hash must be a hex SHA-256.", "BAD_REQUEST", 400)
    digest = digest.lower()

    if query is None:
        query = lookup(digest)
        if query is None:
            return _error(NOT_FOUND, "PERSISTED_QUERY_NOT_FOUND")
        _set_query(request, body, query)
        return build()

    if sha256(query) != digest:
        return _error("provided sha does not match query", "PERSISTED_QUERY_HASH_MISMATCH", 400)
    if options()["ONLY"]:
        if digest not in registry():
            return _error(
                "Only registered queries are accepted here.", "PERSISTED_QUERY_NOT_ALLOWED", 400
            )
    elif registrable(query):
        store(digest, query)
    return build()  # an invalid query gets its errors as usual
