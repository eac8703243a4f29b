"""HTTP and server-side caching of anonymous GraphQL GET requests.

- Anonymous GETs (no Authorization header, no session cookie) answer with
  `Cache-Control: public, max-age, s-maxage, stale-while-revalidate` and a strong ETag; a
  matching `If-None-Match` gets `304 Not Modified`. No cookie is set and nothing varies on it.
- A GET is answered from its URL alone (the view ignores any body), and its key holds only
  what can change the answer: the Wagtail Site the host matches (not the raw Host header),
  the negotiated language, the query (by its SHA-256, so a persisted-query hash and its text
  share an entry), canonical variables and the operation name.
- Each entry records the content generation it was built in and the moment it stops being
  true: the next go-live or expiry of any live page (the API hides pages by the clock, with
  or without Wagtail's scheduler), or the timeout, whichever comes first.
- The generation lives in the shared cache (Redis) or, without one, in the database
  (`cms.ContentGeneration`), so every process sees a publish made by any other.
- A failing cache (Redis down) never fails a request: the response is built uncached.
- Mutations, POSTs and anything marked with `mark_uncacheable(request)` (previews, for example)
  get `Cache-Control: no-store`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models import F, Min, Q
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone, translation
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

DEFAULTS = {
    "GENERATION_STORE": "database",
    "MAX_ENTRY_BYTES": 256 * 1024,
}


def options() -> dict:
    return settings.KIOSQUE_CACHE


def _opt(name: str):
    return options().get(name, DEFAULTS.get(name))


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
    if time.monotonic() < _down_until:
        return False
    # The production Redis class has its own breaker; ask it rather than wait on it.
    is_up = getattr(_cache(), "available", None)
    return is_up() if is_up is not None else True


def _failed(action: str, exc: Exception) -> None:
    global _down_until  # noqa: PLW0603
    _down_until = time.monotonic() + _RETRY_AFTER
    logger.warning("GraphQL response cache unavailable (%s): %s", action, exc)


# --- The key: only what can change the answer ---------------------------------------------


class _SiteMemo:
    """Host header -> id of the Wagtail Site it matches, per generation (a Site edit bumps
    it). Bounded: the port and spelling of a Host header are the client's choice."""

    SIZE = 512

    def __init__(self):
        self._lock = threading.Lock()
        self._generation = None
        self._sites: OrderedDict[str, int | None] = OrderedDict()

    def site_id(self, request, generation) -> int | None:
        host = request.get_host()
        with self._lock:
            if generation != self._generation:
                self._generation = generation
                self._sites.clear()
            if host in self._sites:
                self._sites.move_to_end(host)
                return self._sites[host]
        from wagtail.models import Site

        site = Site.find_for_request(request)
        site_id = site.pk if site is not None else None
        with self._lock:
            self._sites[host] = site_id
            while len(self._sites) > self.SIZE:
                self._sites.popitem(last=False)
        return site_id


_site_memo = _SiteMemo()


def _json_param(text: str):
    """Parsed JSON, or the text itself when it does not parse (the view will refuse it)."""
    if not text:
        return None
    # (Nesting too deep for the parser raises RecursionError: the raw text is the key then.)
    with contextlib.suppress(ValueError, RecursionError):
        return json.loads(text)
    return text


def query_identity(params) -> str:
    """The query's SHA-256: the same for its text and for its persisted-query hash."""
    query = params.get("query") or ""
    if query:
        return hashlib.sha256(query.encode()).hexdigest()
    extensions = _json_param(params.get("extensions") or "")
    persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
    digest = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
    if isinstance(digest, str):
        return digest.lower()
    return "raw:" + (params.get("extensions") or "")


def response_key(request, site_id: int | None) -> str:
    """One key per site, language, query, variables and operation name; nothing else."""
    params = request.GET
    variables = _json_param(params.get("variables") or "")
    if variables in (None, {}):
        variables = ""
    elif not isinstance(variables, str):
        # Same variables in another key order or spacing share an entry.
        variables = json.dumps(variables, sort_keys=True, separators=(",", ":"))
    operation = params.get("operationName") or ""
    parts = [
        str(site_id),
        # From the request itself: the middleware below runs before LocaleMiddleware.
        translation.get_language_from_request(request),
        query_identity(params),
        variables,
        "" if operation == "null" else operation,
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return ENTRY_PREFIX + digest


# --- The generation: in the shared cache, or in the database --------------------------------


def _in_database() -> bool:
    return _opt("GENERATION_STORE") == "database"


def _database_generation() -> int:
    from cms.models import ContentGeneration

    value = ContentGeneration.objects.filter(pk=1).values_list("value", flat=True).first()
    if value is None:
        with contextlib.suppress(IntegrityError), transaction.atomic():
            ContentGeneration.objects.create(pk=1, value=time.time_ns())
        value = ContentGeneration.objects.values_list("value", flat=True).get(pk=1)
    return value


def _bump_database() -> None:
    from cms.models import ContentGeneration

    if not ContentGeneration.objects.filter(pk=1).update(value=F("value") + 1):
        _database_generation()


def current_generation(cache=None) -> int:
    if _in_database():
        return _database_generation()
    cache = cache or _cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # A fresh value, never one an evicted counter had: old entries cannot match it.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def bump_generation(**kwargs) -> None:
    """Content changed: every cached response is stale from now on."""
    if not _in_database():
        # At once: every process stops serving old answers now. (Not in the database: the row
        # would stay locked by the publishing transaction, and SQLite writers would queue on it.)
        _bump()
    # Again once the change is committed, so a response built from the old rows by a request
    # that ran meanwhile is not kept under the new generation.
    transaction.on_commit(_bump_and_purge)


def _bump() -> None:
    if not options()["ENABLED"]:
        return
    if _in_database():
        _bump_database()
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


# --- The clock: no entry outlives the next go-live or expiry ---------------------------------


class _NextEvent:
    """The next go_live_at or expire_at of any live page, read once per generation (a publish
    or a save changes them, and bumps it) and again once that moment has passed."""

    def __init__(self):
        self._lock = threading.Lock()
        self._generation = None
        self._at: float | None = None

    def at(self, generation, now: float) -> float | None:
        with self._lock:
            if generation == self._generation and (self._at is None or now < self._at):
                return self._at
        at = next_scheduled_event(now)
        with self._lock:
            self._generation, self._at = generation, at
        return at

    def reset(self) -> None:
        with self._lock:
            self._generation, self._at = None, None


_next_event = _NextEvent()


def next_scheduled_event(now: float) -> float | None:
    """Timestamp of the soonest go-live or expiry after `now`, among live pages (the API shows
    or hides them by the clock); None when nothing is scheduled."""
    from wagtail.models import Page

    moment = datetime.fromtimestamp(now, tz=UTC)
    found = Page.objects.filter(live=True).aggregate(
        go_live=Min("go_live_at", filter=Q(go_live_at__gt=moment)),
        expire=Min("expire_at", filter=Q(expire_at__gt=moment)),
    )
    events = [value.timestamp() for value in found.values() if value is not None]
    return min(events) if events else None


def _deadline(generation, now: float) -> float:
    deadline = now + options()["TIMEOUT"]
    event = _next_event.at(generation, now)
    return deadline if event is None else min(deadline, event)


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


# --- HTTP ------------------------------------------------------------------------------------


def etag_for(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:40] + '"'


def cache_control(remaining: float | None = None) -> str:
    """Public caching, never for longer than the answer stays true."""
    opts = options()
    max_age, s_maxage = opts["MAX_AGE"], opts["S_MAXAGE"]
    if remaining is not None:
        left = max(0, math.floor(remaining))
        max_age, s_maxage = min(max_age, left), min(s_maxage, left)
    return (
        f"public, max-age={max_age}, s-maxage={s_maxage}, "
        f"stale-while-revalidate={opts['STALE_WHILE_REVALIDATE']}"
    )


def _if_none_match(request, etag: str) -> bool:
    header = request.META.get("HTTP_IF_NONE_MATCH", "")
    if not header:
        return False
    tags = [tag.strip() for tag in header.split(",")]
    return "*" in tags or etag in tags


def _public_response(
    request, content: bytes, etag: str, remaining: float | None = None
) -> HttpResponse:
    if _if_none_match(request, etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(content, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = cache_control(remaining)
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


# --- The request path ------------------------------------------------------------------------


_LOOKED_UP = "_kiosque_cache_lookup"
# The generation this process saw last: the site memo is keyed on it, so a hit costs one read.
_last_generation = None


def _now() -> float:
    # timezone.now(), not time.time(): the same clock as the visibility rules.
    return timezone.now().timestamp()


def _lookup(request):
    """A response from the cache, or (cache, key, generation, deadline) to store the new one."""
    global _last_generation  # noqa: PLW0603
    if _bump_pending and _available():
        _bump()
    if not _available() or _bump_pending:
        return None
    cache = _cache()
    now = _now()
    try:
        if _in_database():
            generation = _database_generation()
            key = response_key(request, _site_memo.site_id(request, generation))
            entry = cache.get(key)
        else:
            key = response_key(request, _site_memo.site_id(request, _last_generation))
            found = cache.get_many([GENERATION_KEY, key])
            generation = found.get(GENERATION_KEY)
            if generation is None:
                generation = current_generation(cache)
            entry = found.get(key)
            if generation != _last_generation:
                # The site a host matches may have changed with the generation.
                key = response_key(request, _site_memo.site_id(request, generation))
                entry = None
        _last_generation = generation
        if entry is not None and entry[0] == generation and now < entry[1]:
            return _public_response(request, entry[3], entry[2], entry[1] - now)
        deadline = _deadline(generation, now)
    except Exception as exc:  # noqa: BLE001
        _failed("read", exc)
        return None
    return cache, key, generation, deadline


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
            setattr(request, _LOOKED_UP, looked_up or ())
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

    response = build()
    if not _storable(request, response):
        response["Cache-Control"] = "no-store"
        return response
    content = response.content
    etag = etag_for(content)
    if not looked_up:  # the cache could not be read: answer, keep nothing
        return _public_response(request, content, etag)
    cache, key, generation, deadline = looked_up
    remaining = deadline - _now()
    if remaining <= 0:
        # A page went live or expired while this answer was built: do not keep it.
        response["Cache-Control"] = "no-store"
        return response
    if len(content) <= _opt("MAX_ENTRY_BYTES"):
        try:
            timeout = max(1, math.ceil(remaining))
            cache.set(key, (generation, deadline, etag, content), timeout=timeout)
        except Exception as exc:  # noqa: BLE001
            _failed("write", exc)
    return _public_response(request, content, etag, remaining)


def reset_state() -> None:
    """Forget what this process remembered about the cache (tests, and after a fork)."""
    global _down_until, _bump_pending, _last_generation  # noqa: PLW0603
    _down_until, _bump_pending, _last_generation = 0.0, False, None
    _next_event.reset()
    _site_memo._generation = None


def connect_signals() -> None:
    """Bump the generation whenever published content or what it shows changes. Feature apps
    add their own models with `invalidate_on_change` from their ready(); calling this again
    (after signals were held back for a bulk write) reconnects those too."""
    from django.db.models.signals import post_delete
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.images import get_image_model
    from wagtail.models import PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(bump_generation, dispatch_uid=f"kiosque-cache-{id(signal)}")
    post_delete.connect(_page_deleted, dispatch_uid="kiosque-cache-page-delete")
    invalidate_on_change(get_image_model(), Redirect, Site, PageViewRestriction, *_watched)


# Models feature apps registered with `invalidate_on_change`, in registration order.
_watched: list = []


def invalidate_on_change(*models) -> None:
    """Bump the generation when a row of one of `models` is saved or deleted."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        if model not in _watched:
            _watched.append(model)
        post_save.connect(bump_generation, sender=model, dispatch_uid=f"kiosque-save-{model}")
        post_delete.connect(bump_generation, sender=model, dispatch_uid=f"kiosque-del-{model}")


def _page_deleted(sender, instance, **kwargs) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page):
        bump_generation()
