"""HTTP and server-side caching of anonymous GraphQL GET requests.

- Anonymous GETs (no Authorization header, no session cookie) answer with
  `Cache-Control: public, max-age, s-maxage, stale-while-revalidate` and a strong ETag; a
  matching `If-None-Match` gets `304 Not Modified`. No cookie is set and nothing varies on it.
- Their bodies are kept in Django's cache (Redis when REDIS_URL is set), keyed by host,
  language, query, variables and operation name. Each entry records the content generation it
  was built in; publishing, unpublishing, moving or deleting a page, or saving or deleting an
  author, topic, image, redirect, site or view restriction bumps the generation, so the very
  next request is rebuilt. Reading an entry and the generation is one round trip (get_many).
- A failing cache (Redis down) never fails a request: the response is built uncached, and the
  cache is left alone for a few seconds before it is tried again.
- Mutations, POSTs and anything marked with `mark_uncacheable(request)` (previews, for example)
  get `Cache-Control: no-store`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

GENERATION_KEY = "kiosque:gql:generation"
ENTRY_PREFIX = "kiosque:gql:resp:"
_NO_STORE = "_kiosque_no_store"
# After a cache failure, skip the cache for this long instead of waiting on it every request.
_RETRY_AFTER = 5.0
_down_until = 0.0
# An invalidation that could not reach the cache, retried at the next successful access.
_bump_pending = False


def options() -> dict:
    return settings.KIOSQUE_CACHE


def _cache():
    return caches[options()["ALIAS"]]


def mark_uncacheable(request) -> None:
    """For resolvers whose answer depends on more than the query (e.g. a preview token)."""
    setattr(request, _NO_STORE, True)


def is_cacheable_request(request) -> bool:
    if not options()["ENABLED"] or request.method != "GET":
        return False
    if request.META.get("HTTP_AUTHORIZATION"):
        return False
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def _available() -> bool:
    return time.monotonic() >= _down_until


def _failed(action: str, exc: Exception) -> None:
    global _down_until  # noqa: PLW0603
    _down_until = time.monotonic() + _RETRY_AFTER
    logger.warning("GraphQL response cache unavailable (%s): %s", action, exc)


def response_key(request) -> str:
    """One key per host, language, query text, variables and operation name."""
    params = request.GET
    variables = params.get("variables") or ""
    if variables:
        # Same variables in another key order or spacing share an entry.
        # (Nesting too deep for the parser raises RecursionError: the raw text is the key then.)
        with contextlib.suppress(ValueError, RecursionError):
            variables = json.dumps(json.loads(variables), sort_keys=True, separators=(",", ":"))
    parts = [
        request.get_host(),
        # From the request itself: the middleware below runs before LocaleMiddleware.
        translation.get_language_from_request(request),
        params.get("query") or "",
        variables,
        params.get("operationName") or "",
        params.get("extensions") or "",
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return ENTRY_PREFIX + digest


def current_generation(cache=None) -> int:
    cache = cache or _cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # A fresh value, never one an evicted counter had: old entries cannot match it.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def bump_generation(**kwargs) -> None:
    """Content changed: every cached response is stale from now on."""
    _bump()
    # Again once the change is committed, so a response built from the old rows by a request
    # that ran meanwhile is not kept under the new generation.
    transaction.on_commit(_bump_and_purge)


def _bump() -> None:
    if not options()["ENABLED"]:
        return
    global _bump_pending  # noqa: PLW0603
    cache = _cache()
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        _bump_pending = False
    except Exception as exc:  # noqa: BLE001 - any backend error degrades to uncached
        _bump_pending = True
        _failed("invalidate", exc)


def _bump_and_purge() -> None:
    _bump()
    purge_cdn()


def purge_cdn() -> None:
    """Ask the configured frontend caches (Wagtail's frontend_cache backends) to drop the API."""
    urls = getattr(settings, "KIOSQUE_CDN_PURGE_URLS", [])
    if not urls or not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    try:
        purge_urls_from_cache(urls)
    except Exception:  # noqa: BLE001 - a CDN outage must not fail a publish
        logger.exception("CDN purge failed")


def etag_for(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:40] + '"'


def cache_control() -> str:
    opts = options()
    return (
        f"public, max-age={opts['MAX_AGE']}, s-maxage={opts['S_MAXAGE']}, "
        f"stale-while-revalidate={opts['STALE_WHILE_REVALIDATE']}"
    )


def _if_none_match(request, etag: str) -> bool:
    header = request.META.get("HTTP_IF_NONE_MATCH", "")
    if not header:
        return False
    tags = [tag.strip() for tag in header.split(",")]
    return "*" in tags or etag in tags


def _public_response(request, content: bytes, etag: str, status: int = 200) -> HttpResponse:
    if _if_none_match(request, etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(content, status=status, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = cache_control()
    # The key includes the language negotiated from the request.
    patch_vary_headers(response, ("Accept-Language",))
    return response


def _storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not getattr(request, _NO_STORE, False)
        and not response.has_header("Set-Cookie")
        and b'"errors":' not in response.content
    )


_LOOKED_UP = "_kiosque_cache_lookup"


def _lookup(request):
    """A response from the cache, or (cache, key, generation) to store the new one with."""
    if _bump_pending and _available():
        _bump()
    if not _available() or _bump_pending:
        return None, None, None
    cache = _cache()
    key = response_key(request)
    try:
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            generation = current_generation(cache)
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            return _public_response(request, entry[2], entry[1])
    except Exception as exc:  # noqa: BLE001
        _failed("read", exc)
        return None, None, None
    return cache, key, generation


class CachedResponseMiddleware:
    """Answers cache hits for the GraphQL endpoint before sessions, locale, CSRF, auth and URL
    resolution run (placed right after CORS, so CORS headers are still added). Misses go on to
    the view, which reuses this lookup."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == options()["PATH"] and is_cacheable_request(request):
            looked_up = _lookup(request)
            if isinstance(looked_up, HttpResponse):
                return looked_up
            setattr(request, _LOOKED_UP, looked_up)
        return self.get_response(request)


def serve(request, build: Callable[[], HttpResponse]) -> HttpResponse:
    """Answer from the cache when possible; otherwise build, then keep the body if it may be."""
    if not is_cacheable_request(request):
        response = build()
        response["Cache-Control"] = "no-store"
        return response

    looked_up = getattr(request, _LOOKED_UP, None)
    if looked_up is None:
        looked_up = _lookup(request)
    if isinstance(looked_up, HttpResponse):
        return looked_up
    cache, key, generation = looked_up

    response = build()
    if not _storable(request, response):
        response["Cache-Control"] = "no-store"
        return response
    content = response.content
    etag = etag_for(content)
    if cache is not None:
        try:
            cache.set(key, (generation, etag, content), timeout=options()["TIMEOUT"])
        except Exception as exc:  # noqa: BLE001
            _failed("write", exc)
    return _public_response(request, content, etag)


def connect_signals() -> None:
    """Bump the generation whenever published content or what it shows changes."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.images import get_image_model
    from wagtail.models import PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from news.models import Author, Topic
    from newsletter.models import NewsletterSettings

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(bump_generation, dispatch_uid=f"kiosque-cache-{id(signal)}")
    post_delete.connect(_page_deleted, dispatch_uid="kiosque-cache-page-delete")
    shown = (Author, Topic, get_image_model(), Redirect, Site, PageViewRestriction)
    for model in (*shown, NewsletterSettings):
        post_save.connect(bump_generation, sender=model, dispatch_uid=f"kiosque-save-{model}")
        post_delete.connect(bump_generation, sender=model, dispatch_uid=f"kiosque-del-{model}")


def _page_deleted(sender, instance, **kwargs) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page):
        bump_generation()
