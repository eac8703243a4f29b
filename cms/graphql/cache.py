"""HTTP and server-side caching of anonymous GraphQL GET requests.

- Anonymous GETs (no Authorization header, no session cookie) answer with
  `Cache-Control: public, max-age, s-maxage, stale-while-revalidate` and a strong ETag; a
  matching `If-None-Match` gets `304 Not Modified`. No cookie is set and nothing varies on it.
- A GET is answered from its URL alone (the view ignores any body), and its key holds only
  what can change the answer: the Wagtail Site the host matches (not the raw Host header),
  the negotiated language, the query (by its SHA-256, so a persisted-query hash and its text
  share an entry), canonical variables and the operation name.
- Each entry records the tags of what it was built from (cms.graphql.dependencies) with the
  version stamp each tag had, and the moment it stops being true: the next go-live or expiry
  of any live page (the API hides pages by the clock, with or without Wagtail's scheduler), or
  the timeout, whichever comes first. A change bumps the stamps of its tags (`invalidate`):
  an entry is fresh while every one of its stamps is unchanged. Nothing is flushed.
- Stamps and the clock (a counter every change moves) live in the shared cache (Redis) or,
  without one, in the database (`cms.ContentGeneration`, `cms.CacheTagStamp`), so every
  process sees a change made by any other.
- One rebuild per key at a time (single flight): while one request rebuilds an entry its tags
  made stale, the others get the previous answer for at most GRACE seconds; on a cold key
  they wait up to WAIT seconds for it, then build it themselves.
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
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Min, Q
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from cms.graphql import cdn, dependencies

logger = logging.getLogger(__name__)

# The clock: moved by every change (the site memo and the next-event memo follow it).
GENERATION_KEY = "kiosque:gql:generation"
ENTRY_PREFIX = "kiosque:gql:resp:"
# Stamps are clock values (before: per-tag counters, under "kiosque:gql:tag:", not comparable).
TAG_PREFIX = "kiosque:gql:stamp:"
LOCK_PREFIX = "kiosque:gql:lock:"
SLOT_PREFIX = "kiosque:gql:slot:"
REBUILDS_KEY = "kiosque:gql:rebuilds"
# With COUNT_REBUILDS (bench/peak.py): the CPU time those rebuilds took, in microseconds.
REBUILD_CPU_KEY = "kiosque:gql:rebuild-cpu-us"
# Redis: every change is announced here once its stamps and the clock are written.
CHANGES_CHANNEL = "kiosque:gql:changes"
_NO_STORE = "_kiosque_no_store"
# After a cache failure, skip the cache for this long instead of waiting on it every request.
_RETRY_AFTER = 5.0
_down_until = 0.0
# Tags of invalidations that could not reach the cache, replayed at the next successful access.
_bump_pending: set[str] = set()

DEFAULTS = {
    "GENERATION_STORE": "database",
    "MAX_ENTRY_BYTES": 256 * 1024,
    # "tags": drop the answers that read what changed; "generation": every change drops every
    # answer (the scheme before tags, kept for comparison in bench/peak.py).
    "INVALIDATION": "tags",
    "SINGLE_FLIGHT": True,
    # Longest time a reader is served an answer whose tags changed, while another request
    # rebuilds it; 0 makes readers wait for the rebuild instead.
    "GRACE": 10,
    # Longest wait for another request's rebuild of a key that has no answer yet.
    "WAIT": 2.0,
    # Count rebuilds in the shared cache (bench/peak.py reads it); off in production.
    "COUNT_REBUILDS": False,
    # The first reader of an answer that just went stale gets it too, and the rebuild runs
    # once that response is sent (see _single_flight for the bound). On in cms.settings.base.
    "REVALIDATE_AFTER_RESPONSE": False,
    # Rebuilds after a response that may run at once (see _rebuild_slot).
    "REBUILD_SLOTS": 2,
    # Bytes of answers each process keeps a copy of (those it last found fresh): a hit on one
    # reads the clock alone.
    "LOCAL_BYTES": 16 * 1024 * 1024,
    # Redis: changes are announced on a channel each process subscribes to, so that a hit reads
    # the clock only after an announcement (see _ClockWatch).
    "ANNOUNCE_CHANGES": True,
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

    def carry_forward(self, start, end, tags) -> None:
        """Sites change under `structure` (and `all`): other changes keep the memo."""
        with self._lock:
            if self._generation == start and tags.isdisjoint(("structure", dependencies.ALL)):
                self._generation = end

    def site_id(self, request, generation) -> int | None:
        host = request.get_host()
        with self._lock:
            if generation != self._generation:
                self._generation = generation
                self._sites.clear()
            if host in self._sites:
                self._sites.move_to_end(host)
                return self._sites[host]
        from cms.sites import find_for_request

        site = find_for_request(request)
        site_id = site.pk if site is not None else None
        with self._lock:
            # Kept only under the generation it was read at: another thread may have moved the
            # memo on meanwhile (a Site change), and carrying it forward would keep this answer.
            if self._generation == generation:
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


# --- Stamps: one per tag, and the clock, in the shared cache or in the database -------------


def _in_database() -> bool:
    return _opt("GENERATION_STORE") == "database"


def _by_tags() -> bool:
    return _opt("INVALIDATION") != "generation"


def _database_generation() -> int:
    from cms.models import ContentGeneration

    value = ContentGeneration.objects.filter(pk=1).values_list("value", flat=True).first()
    if value is None:
        with contextlib.suppress(IntegrityError), transaction.atomic():
            ContentGeneration.objects.create(pk=1, value=time.time_ns())
        value = ContentGeneration.objects.values_list("value", flat=True).get(pk=1)
    return value


def _database_read(tags) -> tuple[int, dict]:
    """(clock, {tag: stamp}) in one query; tags never bumped are absent."""
    from cms.models import CacheTagStamp, ContentGeneration

    tags = sorted(tags)
    clock_table = ContentGeneration._meta.db_table
    stamp_table = CacheTagStamp._meta.db_table
    sql = f"SELECT CAST(%s AS VARCHAR(400)), value FROM {clock_table} WHERE id = 1"  # noqa: S608
    params: list = ["@clock"]
    if tags:
        marks = ", ".join(["%s"] * len(tags))
        sql += f" UNION ALL SELECT tag, value FROM {stamp_table} WHERE tag IN ({marks})"  # noqa: S608
        params += tags
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = dict(cursor.fetchall())
    clock = rows.pop("@clock", None)
    if clock is None:
        clock = _database_generation()
    return clock, rows


def _database_clock() -> int:
    """The clock alone: one single-row read (a hit whose answer this process already saw
    fresh at this clock needs nothing more)."""
    from cms.models import ContentGeneration

    table = ContentGeneration._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {table} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row is not None else _database_generation()


def _bump_database(tags) -> None:
    from cms.models import CacheTagStamp, ContentGeneration

    # One transaction: other processes see the clock and the stamps move together.
    with transaction.atomic():
        if not ContentGeneration.objects.filter(pk=1).update(value=F("value") + 1):
            _database_generation()
        clock = ContentGeneration.objects.values_list("value", flat=True).get(pk=1)
        CacheTagStamp.objects.bulk_create(
            [CacheTagStamp(tag=tag, value=clock) for tag in sorted(tags)],
            update_conflicts=True,
            unique_fields=["tag"],
            update_fields=["value"],
        )


def _cache_read(cache, tags) -> tuple[int | None, dict]:
    keys = [GENERATION_KEY, *(TAG_PREFIX + tag for tag in tags)]
    found = cache.get_many(keys)
    stamps = {tag: found[TAG_PREFIX + tag] for tag in tags if TAG_PREFIX + tag in found}
    return found.get(GENERATION_KEY), stamps


def _incr_or_start(cache, key) -> int:
    try:
        return cache.incr(key)
    except ValueError:
        # A fresh value, never one an evicted counter had: old entries cannot match it.
        cache.add(key, time.time_ns(), timeout=None)
        return cache.incr(key)


def _bump_cache(cache, tags, *, committed=True) -> None:
    """Move the stamps of `tags` and the clock, and announce it. A bump made before its
    change commits (`committed=False`) is announced without its tags: until the commit, the
    other processes' answers are the true ones, and their copies stay fresh."""
    # Each tag's stamp becomes the clock value of this change (so a build can tell whether a
    # tag it read changed after it started, see _store). The clock moves again once the stamps
    # are written: a reader that saw the first move with the old stamps checks again.
    clock = _incr_or_start(cache, GENERATION_KEY)
    if tags and cache.set_many({TAG_PREFIX + tag: clock for tag in tags}, timeout=None):
        raise ConnectionError("tag stamps not written")
    end = _incr_or_start(cache, GENERATION_KEY)
    _clock_watch.changed()
    if _announces(cache):
        from cms.upstream import redis_client

        message = announcement((clock, end), tags if committed else ())
        redis_client(cache).publish(changes_channel(cache), message)


def _servers(cache) -> list:
    # Django's RedisCache keeps its LOCATION, split, here.
    return list(getattr(cache, "_servers", None) or [id(cache)])


def changes_channel(cache, db: int | None = None) -> str:
    """The channel of the clock `cache` keeps: named after its Redis database too, as pub/sub
    ignores database numbers, and a site on another database of the same server (staging, say)
    with the same key prefix must not have its clock values taken for this one's."""
    if db is None:
        from cms.upstream import redis_client

        db = redis_client(cache).connection_pool.connection_kwargs.get("db", 0)
    return f"{cache.make_key(CHANGES_CHANNEL)}:db{int(db)}"


# An announcement names at most this many tags; a larger change is announced without them, and
# every process reads the clock and the stamps again as for an announcement it cannot read.
ANNOUNCED_TAGS = 1000


def announcement(values, tags) -> bytes:
    """What a change publishes on CHANGES_CHANNEL: the clock values it took (two per bump, the
    first its tags' stamp) and its tags, so that a process can tell which of its copies it
    leaves fresh without a round trip per copy."""
    tags = sorted(tags)
    named = tags if len(tags) <= ANNOUNCED_TAGS else None
    return json.dumps({"clock": list(values), "tags": named}).encode()


def _read_announcement(data) -> tuple[tuple[int, ...], frozenset] | None:
    """(clock values, tags) of an announcement; None when it does not say (another version,
    too many tags): the reader then reads the clock itself."""
    try:
        found = json.loads(data)
        values, tags = found["clock"], found["tags"]
        if tags is None or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            return None
        return tuple(values), frozenset(str(tag) for tag in tags)
    except (TypeError, ValueError, KeyError):
        return None


def _announces(cache) -> bool:
    return bool(_opt("ANNOUNCE_CHANGES")) and isinstance(cache, RedisCache)


class _ClockWatch:
    """Redis only: the clock as this process last read it, trusted until a change is announced
    on CHANGES_CHANNEL (every bump publishes there after writing the clock), so a hit costs no
    round trip. Announcements are read without waiting (a poll of the subscription's socket);
    the clock is read again at least every TRUST seconds all the same, in case an announcement
    was lost (a publisher that died between its writes and its PUBLISH). Any trouble with the
    subscription: None, and the caller reads the clock from Redis as before.

    An announcement names the clock values its change took and its tags. Once every value
    between the clock this process knows and a later one has been announced, the clock moves
    there without a read, and the copies of answers none of those changes touched move with it
    (`_carry_forward`): after a change, a hit on an answer it did not touch costs nothing more.
    Values announced past a gap (a change whose announcement has not arrived yet) make it read
    the clock as before."""

    TRUST = 1.0

    def __init__(self):
        self._lock = threading.Lock()
        self._pubsub = None
        self._owner = None  # (pid, cache): a forked worker or another cache subscribes anew
        self._clock = None
        self._read_at = 0.0
        self._pending: dict[int, frozenset] = {}  # announced clock value -> its change's tags

    def changed(self) -> None:
        """This process changed something: read the clock again next time (its own
        announcement may reach the subscription a moment after the bump returns)."""
        with self._lock:
            self._clock = None

    def clock(self, cache) -> int | None:
        if not _announces(cache):
            return None
        with self._lock:
            try:
                return self._current(cache)
            except Exception:  # noqa: BLE001 - the caller reads the clock itself
                self._close()
                return None

    def _current(self, cache) -> int | None:
        # Not the cache object itself: Django gives each thread its own (gthread workers).
        owner = (os.getpid(), cache.make_key(CHANGES_CHANNEL), tuple(_servers(cache)))
        if self._owner != owner:
            self._close()
            self._subscribe(cache)
            self._owner = owner
        announced, unreadable = False, False
        while (message := self._pubsub.get_message(timeout=0.0)) is not None:
            announced = True
            change = _read_announcement(message.get("data"))
            if message.get("type") != "message" or change is None:
                unreadable = True
                continue
            values, tags = change
            for value in values:
                self._pending[value] = tags
        now = time.monotonic()
        stale = self._clock is None or now - self._read_at > self.TRUST
        if not (stale or unreadable) and announced:
            self._advance()
            # Values past a gap: a change not announced yet ran alongside. Read the clock, as
            # for any announcement before they carried their values.
            stale = any(value > self._clock for value in self._pending)
        if stale or unreadable:
            self._read_at = now
            self._clock = cache.get(GENERATION_KEY)
            known = self._clock if isinstance(self._clock, int) else None
            self._pending = {v: t for v, t in self._pending.items() if known and v > known}
        return self._clock

    def _advance(self) -> None:
        start, tags = self._clock, set()
        while self._clock + 1 in self._pending:
            self._clock += 1
            tags |= self._pending.pop(self._clock)
        if self._clock != start:
            _carry_forward(start, self._clock, tags)

    def _subscribe(self, cache) -> None:
        from cms.upstream import redis_client

        pubsub = redis_client(cache).pubsub(ignore_subscribe_messages=False)
        pubsub.subscribe(changes_channel(cache))
        # Only once the subscription is confirmed can no announcement be missed. (A Redis that
        # hangs costs this wait once; the breaker then skips the cache for a while.)
        deadline = time.monotonic() + 0.25
        while time.monotonic() < deadline:
            message = pubsub.get_message(timeout=0.05)
            if message is not None and message.get("type") == "subscribe":
                self._pubsub, self._clock = pubsub, None
                return
        pubsub.close()
        raise ConnectionError("subscription not confirmed")

    def _close(self) -> None:
        pubsub, self._pubsub, self._owner, self._clock = self._pubsub, None, None, None
        self._pending = {}
        if pubsub is not None:
            with contextlib.suppress(Exception):
                pubsub.close()


_clock_watch = _ClockWatch()


def read_stamps(tags) -> tuple[int | None, dict]:
    """(clock, {tag: stamp}) as the cache sees them now (tests and bench/peak.py)."""
    if _in_database():
        return _database_read(tags)
    return _cache_read(_cache(), tags)


def current_generation(cache=None) -> int:
    """The clock: a value every change moves."""
    if _in_database():
        return _database_generation()
    cache = cache or _cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def invalidate(*tags: str) -> None:
    """What `tags` name changed: every answer that read it is stale from now on.

    Feature apps call this from their signal handlers with the tags of what changed (see
    cms.graphql.dependencies for the vocabulary). ANY is always bumped with them."""
    tags = frozenset((*tags, dependencies.ANY))
    dependencies.changed(tags)
    if not _in_database():
        # At once: no answer built from here on is kept under the old stamps. (Not in the
        # database: the rows would stay locked by the publishing transaction, and SQLite
        # writers would queue.)
        _bump(tags, committed=not connection.in_atomic_block)
    # Again once the change is committed, so an answer built from the old rows by a request
    # that ran meanwhile is not kept.
    transaction.on_commit(lambda: _bump_and_purge(tags))


def bump_generation(**kwargs) -> None:
    """Everything may have changed (bulk writes that skip the signals): drop every answer."""
    invalidate(dependencies.ALL)


def _bump(tags, *, committed=True) -> None:
    if not options()["ENABLED"]:
        return
    global _bump_pending  # noqa: PLW0603
    tags = set(tags) | _bump_pending
    if _in_database():
        _bump_database(tags)
        return
    try:
        # A retried bump (pending tags) is announced whole: its change may have committed.
        _bump_cache(_cache(), tags, committed=committed or bool(_bump_pending))
        _bump_pending = set()
    except Exception as exc:  # noqa: BLE001 - any backend error degrades to uncached
        _bump_pending = tags
        _failed("invalidate", exc)


def _bump_and_purge(tags) -> None:
    _bump(tags)
    purge_cdn()
    cdn.purge_tags(tags)


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


class _Schedule:
    """Upcoming go-live and expiry moments with the tags each one changes (from the feature
    apps, cms.graphql.dependencies.register_schedule), read once per clock value and again once
    the first of them has passed."""

    def __init__(self):
        self._lock = threading.Lock()
        self._generation = None
        self._events: list[tuple[float, frozenset]] = []

    def events(self, generation, now: float) -> list[tuple[float, frozenset]]:
        with self._lock:
            if generation == self._generation and (not self._events or now < self._events[0][0]):
                return self._events
        events = scheduled_events(now)
        with self._lock:
            self._generation, self._events = generation, events
        return events

    def reset(self) -> None:
        with self._lock:
            self._generation, self._events = None, []


_schedule = _Schedule()


def scheduled_events(now: float) -> list[tuple[float, frozenset]]:
    """(moment, tags) of every go-live or expiry after `now`, soonest first. Every moment also
    drops the answers of undeclared fields (ANY); without a provider, every moment drops every
    answer."""
    found = []
    for provider in dependencies.schedule_providers():
        found += [(at, frozenset((*tags, dependencies.ANY))) for at, tags in provider(now)]
    if not dependencies.schedule_providers():
        at = next_scheduled_event(now)
        if at is not None:
            found.append((at, frozenset((dependencies.ALL,))))
    return sorted((event for event in found if event[0] > now), key=lambda event: event[0])


def deadline_for(tags, generation, now: float) -> float:
    """When an answer that read `tags` stops being true: the first scheduled moment that
    changes one of them, or the timeout."""
    deadline = now + options()["TIMEOUT"]
    if not _by_tags():
        return _deadline(generation, now)
    for at, event_tags in _schedule.events(generation, now):
        if at >= deadline:
            break
        if event_tags & tags:
            return at
    return deadline


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


def cache_control(remaining: float | None = None) -> dict:
    """Public caching, never for longer than the answer stays true (patch_cache_control's
    keywords)."""
    opts = options()
    max_age, s_maxage = opts["MAX_AGE"], opts["S_MAXAGE"]
    if remaining is not None:
        left = max(0, math.floor(remaining))
        max_age, s_maxage = min(max_age, left), min(s_maxage, left)
    return {
        "public": True,
        "max_age": max_age,
        "s_maxage": s_maxage,
        "stale_while_revalidate": opts["STALE_WHILE_REVALIDATE"],
    }


_CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MATCH", "HTTP_IF_MODIFIED_SINCE",
                "HTTP_IF_UNMODIFIED_SINCE")  # fmt: skip
_control_values: dict[tuple, str] = {}


def _cache_control_value(remaining: float | None) -> str:
    """What patch_cache_control writes on a response without the header, for these numbers
    (a hit builds it from a small memo instead of parsing and joining every time)."""
    directives = cache_control(remaining)
    memo = tuple(directives.values())
    value = _control_values.get(memo)
    if value is None:
        probe = HttpResponse()
        patch_cache_control(probe, **directives)
        value = _control_values[memo] = probe["Cache-Control"]
    return value


def _public_response(
    request,
    content: bytes,
    etag: str,
    remaining: float | None = None,
    entry=None,
    tags=None,
) -> HttpResponse:
    response = None
    if any(name in request.META for name in _CONDITIONAL):
        # If-None-Match (and If-Match) evaluated by Django, as RFC 9110 says: 304 on a match.
        response = get_conditional_response(request, etag=etag)
        if response is not None and response.status_code != 304:
            return response  # 412 to a failed If-Match: not an answer to cache or tag.
    if response is None:
        response = HttpResponse(content, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = _cache_control_value(remaining)
    # The key includes the language negotiated from the request.
    patch_vary_headers(response, ("Accept-Language",))
    if cdn.backend() is not None:
        if entry is not None:
            tags = _entry_tags(entry)
        if tags:
            cdn.tag_response(response, tags)
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
# The clock value this process saw last: the site memo is keyed on it, so a hit costs one read
# for the entry and the clock.
_last_generation = None
# Rebuilds this process made (tests count them; bench/peak.py counts in the shared cache).
rebuilds = 0


class _Miss:
    """What serve() needs to keep the answer it builds: where, under which clock, until when,
    and the lock it holds when single flight is on."""

    __slots__ = ("cache", "generation", "key", "lock", "now", "slot")

    def __init__(self, cache, key, generation, now, lock=None):
        self.cache, self.key, self.generation = cache, key, generation
        # When it was looked up: the answer is true from then until its deadline.
        self.now, self.lock, self.slot = now, lock, None

    def release(self) -> None:
        for held in (self.lock, self.slot):
            if held:
                with contextlib.suppress(Exception):
                    self.cache.delete(held)


class _Revalidate:
    """A stale answer to send now, and the lock to rebuild it once it has been sent."""

    __slots__ = ("miss", "response")

    def __init__(self, response, miss: _Miss):
        self.response, self.miss = response, miss


_MEMO_SIZE = 4096
# Key -> tags of its last entry, per process: after a change, a hit reads entry and stamps in
# one trip.
_key_tags: dict[str, tuple[str, ...]] = {}
# Key -> [clock, etag, deadline, monotonic time, entry] of the entry this process last found
# fresh, least recently used first: while the clock has not moved since, none of its stamps
# can have changed (every change moves the clock after writing its stamps), so a hit reads the
# clock alone and answers from this copy. Bounded in count and in bytes (LOCAL_BYTES).
_fresh: OrderedDict[str, list] = OrderedDict()
_fresh_bytes = 0
# (site, query string, language cookie, Accept-Language) -> key: hashing and JSON parsing once.
_keys: dict[tuple, str] = {}


def _remember_tags(key: str, entry) -> None:
    if len(_key_tags) >= _MEMO_SIZE:
        _key_tags.clear()
    _key_tags[key] = tuple(_entry_tags(entry))


def _entry_bytes(entry) -> int:
    return len(entry[3]) + 100 * len(entry[4])


_fresh_lock = threading.Lock()


def _remember_fresh(key: str, entry, generation) -> None:
    global _fresh_bytes  # noqa: PLW0603
    limit = _opt("LOCAL_BYTES")
    with _fresh_lock:
        old = _fresh.pop(key, None)
        if old is not None:
            _fresh_bytes -= _entry_bytes(old[4])
        tags = frozenset(_entry_tags(entry))
        _fresh[key] = [generation, entry[2], entry[1], time.monotonic(), entry, tags]
        _fresh_bytes += _entry_bytes(entry)
        while _fresh and (_fresh_bytes > limit or len(_fresh) > _MEMO_SIZE):
            _key, dropped = _fresh.popitem(last=False)
            _fresh_bytes -= _entry_bytes(dropped[4])


def _carry_forward(start, end, tags) -> None:
    """Every change between clock values `start` and `end` has been announced, with `tags`:
    the copies found fresh at `start` that read none of them are fresh at `end` too. (Those
    that did keep `start`, and are checked against the stamps on their next hit.)"""
    global _last_generation  # noqa: PLW0603
    with _fresh_lock:
        # A snapshot (taken at once, in C): a hit in another thread may reorder the dict.
        for fresh in list(_fresh.values()):
            if fresh[0] == start and fresh[5].isdisjoint(tags):
                fresh[0] = end
    if _last_generation == start:
        _last_generation = end
    _site_memo.carry_forward(start, end, tags)


def _clock(cache) -> int:
    if _in_database():
        return _database_clock()
    generation = _clock_watch.clock(cache)
    if generation is None:
        generation = cache.get(GENERATION_KEY)
    return generation if generation is not None else current_generation(cache)


def _key_for(request, generation) -> str:
    site_id = _site_memo.site_id(request, generation)
    memo = (
        site_id,
        request.META.get("QUERY_STRING", ""),
        request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME),
        request.META.get("HTTP_ACCEPT_LANGUAGE"),
    )
    key = _keys.get(memo)
    if key is None:
        key = response_key(request, site_id)
        if len(_keys) >= _MEMO_SIZE:
            _keys.clear()
        _keys[memo] = key
    return key


def _now() -> float:
    # timezone.now(), not time.time(): the same clock as the visibility rules.
    return timezone.now().timestamp()


def _read(cache, tags) -> tuple[int | None, dict]:
    return _database_read(tags) if _in_database() else _cache_read(cache, tags)


def _entry_tags(entry) -> list[str]:
    if entry is None or len(entry) != 5:
        return []
    return [tag for tag, _stamp in entry[4]]


def _is_fresh(entry, stamps: dict) -> bool:
    return all(stamps.get(tag) == stamp for tag, stamp in entry[4])


def _lookup(request):
    """A response from the cache, or a _Miss to store the new one (None: cache unreadable), or
    a _Revalidate (a stale answer now, the rebuild after it)."""
    global _last_generation  # noqa: PLW0603
    if _bump_pending and _available():
        _bump(())
    if not _available() or _bump_pending:
        return None
    cache = _cache()
    now = _now()
    try:
        key = _key_for(request, _last_generation)
        fresh = _fresh.get(key)
        # The stamps are read with the clock only when this process has not seen the key fresh
        # at the clock it saw last (after a change, or the first time).
        expected = fresh is not None and fresh[0] == _last_generation
        if expected and now < fresh[2] and _clock(cache) == fresh[0]:
            # Nothing changed since this process found this answer fresh: its copy.
            fresh[3] = time.monotonic()
            with contextlib.suppress(KeyError):  # another thread may have dropped it
                _fresh.move_to_end(key)
            entry = fresh[4]
            return _public_response(request, entry[3], entry[2], entry[1] - now, entry)
        expected = False  # the clock moved: read the stamps with it
        if fresh is not None:
            copy = _recheck_copy(request, cache, key, fresh, now)
            if copy is not None:
                return copy
        stamps = None
        if _in_database():
            entry = cache.get(key)
            if entry is not None and not expected:
                generation, stamps = _database_read(_entry_tags(entry))
            else:
                generation = _database_clock()
        else:
            guess = () if expected else _key_tags.get(key, ())
            found = cache.get_many([GENERATION_KEY, key, *(TAG_PREFIX + tag for tag in guess)])
            generation = found.get(GENERATION_KEY)
            if generation is None:
                generation = current_generation(cache)
            entry = found.get(key)
            if guess and entry is not None and set(_entry_tags(entry)) <= set(guess):
                stamps = {t: found[TAG_PREFIX + t] for t in guess if TAG_PREFIX + t in found}
        if generation != _last_generation:
            # The site a host matches may have changed with the clock.
            fresh_key = _key_for(request, generation)
            if fresh_key != key:
                key, entry, stamps, fresh = fresh_key, None, None, _fresh.get(fresh_key)
        _last_generation = generation
        if entry is not None and (len(entry) != 5 or now >= entry[1]):
            entry = None  # past a go-live or expiry: never served again, not even as stale
        seen_fresh = None
        if entry is not None:
            same = fresh is not None and fresh[1] == entry[2] and fresh[2] == entry[1]
            if same and fresh[0] == generation:
                _remember_fresh(key, entry, generation)
                return _public_response(request, entry[3], entry[2], entry[1] - now, entry)
            checked_at = generation
            if stamps is None:
                checked_at, stamps = _read(cache, _entry_tags(entry))
                _remember_tags(key, entry)
            if _is_fresh(entry, stamps):
                _remember_fresh(key, entry, checked_at)
                return _public_response(request, entry[3], entry[2], entry[1] - now, entry)
            seen_fresh = fresh[3] if same else None
        miss = _Miss(cache, key, generation, now)
        if _opt("SINGLE_FLIGHT"):
            return _single_flight(request, miss, entry, seen_fresh)
    except Exception as exc:  # noqa: BLE001
        _failed("read", exc)
        return None
    return miss


def _recheck_copy(request, cache, key, fresh, now):
    """After a change, this process's copy of an answer, if none of the tags it was built from
    moved: one read of the clock and those stamps, not of the entry (its whole body) as well.
    Every worker asks this of every hot answer after each change; most are still fresh.
    None: read the shared entry as usual (Redis only; the database store reads its stamps in
    one query already)."""
    global _last_generation  # noqa: PLW0603
    if _in_database() or now >= fresh[2]:
        return None
    entry = fresh[4]
    tags = _entry_tags(entry)
    lock = lock_key(key)
    found = cache.get_many([GENERATION_KEY, *(TAG_PREFIX + tag for tag in tags), lock])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        return None
    if generation != _last_generation:
        if _key_for(request, generation) != key:
            return None  # the host now matches another site: another key
        _last_generation = generation
    stamps = {tag: found[TAG_PREFIX + tag] for tag in tags if TAG_PREFIX + tag in found}
    if not _is_fresh(entry, stamps):
        return _copy_while_rebuilt(request, fresh, found.get(lock))
    _remember_fresh(key, entry, generation)
    return _public_response(request, entry[3], entry[2], entry[1] - now, entry)


def _copy_while_rebuilt(request, fresh, taken):
    """The copy of an answer a change made stale, while another request rebuilds it (its lock
    `taken` less than GRACE seconds ago), as _single_flight would serve the previous answer:
    without reading the shared entry, its whole body, nor trying the lock, on every request
    for a hot answer in every worker until the rebuild lands. Only a copy this process served
    fresh less than GRACE seconds ago: it cannot have been stale for longer (the shared entry
    could be a newer previous answer). None: read the shared entry as usual."""
    grace = float(_opt("GRACE"))
    if not (_opt("SINGLE_FLIGHT") and grace > 0 and isinstance(taken, float)):
        return None
    if time.time() - taken >= grace or time.monotonic() - fresh[3] >= grace:
        return None
    return _stale_response(request, fresh[4])


def lock_key(key: str) -> str:
    """The single-flight lock of an entry's key."""
    return LOCK_PREFIX + key[len(ENTRY_PREFIX) :]


def _single_flight(request, miss: _Miss, stale, seen_fresh: float | None):
    """One rebuild per key: the first request takes the key's lock and rebuilds; the others get
    the answer the changed tags made stale (for at most GRACE seconds after the lock was taken)
    or, when there is none, wait up to WAIT seconds for the rebuilt one.

    The first request itself gets the stale answer too, and rebuilds once it has been sent
    (stale-while-revalidate), when this process saw that very answer fresh less than GRACE
    seconds ago: it cannot have been stale for longer than that."""
    cache, lock = miss.cache, lock_key(miss.key)
    grace = float(_opt("GRACE"))
    wait = float(_opt("WAIT"))
    ttl = max(1, math.ceil(max(grace, wait)))
    if cache.add(lock, time.time(), timeout=ttl):
        miss.lock = lock
        recent = seen_fresh is not None and time.monotonic() - seen_fresh < grace
        if stale is not None and recent and _opt("REVALIDATE_AFTER_RESPONSE"):
            miss.slot = _rebuild_slot(cache, ttl)
            if miss.slot is None:
                # As many rebuilds after a response run as there are slots, so that a change
                # that makes many answers stale at once does not take every worker away from
                # the readers: this one is served as it is, a later request rebuilds it.
                miss.release()
                return _stale_response(request, stale)
            return _Revalidate(_stale_response(request, stale), miss)
        return miss
    taken = cache.get(lock)
    age = time.time() - taken if isinstance(taken, float) else math.inf
    if stale is not None and grace > 0:
        if age < grace:
            return _stale_response(request, stale)
        return miss  # the rebuild takes too long (or its process died): do it here
    if age >= max(grace, wait):
        return miss
    # No previous answer (or no grace): wait for the rebuild, polling the entry.
    until = time.monotonic() + wait
    while time.monotonic() < until:
        time.sleep(0.02)
        entry = cache.get(miss.key)
        ready = entry is not None and len(entry) == 5 and entry[0] >= miss.generation
        if ready and _is_fresh(entry, _read(cache, _entry_tags(entry))[1]):
            return _public_response(request, entry[3], entry[2], entry[1] - _now(), entry)
        if cache.get(lock) is None:
            break
    return miss


def _rebuild_slot(cache, ttl: int) -> str | None:
    """One of REBUILD_SLOTS keys (shared through Redis; per process in local memory), or None
    when all are taken. A slot expires with the lock if its process dies."""
    for number in range(int(_opt("REBUILD_SLOTS"))):
        slot = f"{SLOT_PREFIX}{number}"
        if cache.add(slot, time.time(), timeout=ttl):
            return slot
    return None


def _stale_response(request, entry) -> HttpResponse:
    response = _public_response(request, entry[3], entry[2], None, entry)
    # Shared caches must not keep it: it is being replaced.
    del response["Cache-Control"]
    patch_cache_control(response, public=True, max_age=0, s_maxage=0)
    return response


class CachedResponseMiddleware:
    """Answers cache hits for the GraphQL endpoint before sessions, locale, CSRF, auth and URL
    resolution run (placed right after CORS, so CORS headers are still added). Misses go on to
    the view, which reuses this lookup. A stale answer sent while its rebuild waits is rebuilt
    through the rest of the stack once the response has been sent (its close())."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == options()["PATH"] and is_cacheable_request(request):
            looked_up = _lookup(request)
            if isinstance(looked_up, HttpResponse):
                return looked_up
            if isinstance(looked_up, _Revalidate):
                return self._after(looked_up.response, request, looked_up.miss)
            setattr(request, _LOOKED_UP, looked_up or ())
        return self.get_response(request)

    def _after(self, response, request, miss: _Miss):
        close = response.close

        def rebuild_then_close():
            # The WSGI server calls close() once the body is sent: the reader does not wait.
            try:
                setattr(request, _LOOKED_UP, miss)
                self.get_response(request)
            except Exception:
                logger.exception("GraphQL response rebuild after a stale answer failed")
            finally:
                miss.release()
                close()

        response.close = rebuild_then_close
        return response


def serve(request, build: Callable[[], HttpResponse]) -> HttpResponse:
    """Answer from the cache when possible; otherwise build, then keep the body if it may be."""
    if not is_cacheable_request(request):
        response = build()
        response["Cache-Control"] = "no-store"
        return response

    looked_up = getattr(request, _LOOKED_UP, None)
    if looked_up is None:
        looked_up = _lookup(request)
    if isinstance(looked_up, _Revalidate):
        looked_up = looked_up.miss  # no middleware to send it first: rebuild now
    if isinstance(looked_up, HttpResponse):
        return looked_up
    try:
        return _build_and_store(request, build, looked_up)
    finally:
        if looked_up:
            looked_up.release()


def _tags_of(request) -> frozenset[str]:
    if not _by_tags():
        return frozenset((dependencies.ANY, dependencies.ALL))
    return dependencies.collected(request)


def _build_and_store(request, build, miss: _Miss | None) -> HttpResponse:
    global rebuilds  # noqa: PLW0603
    started = time.thread_time()
    response = build()
    rebuilds += 1
    if miss and _opt("COUNT_REBUILDS"):
        with contextlib.suppress(Exception):
            _incr_or_start(miss.cache, REBUILDS_KEY)
            spent = int((time.thread_time() - started) * 1_000_000)
            miss.cache.add(REBUILD_CPU_KEY, 0, timeout=None)
            miss.cache.incr(REBUILD_CPU_KEY, spent)
    if not _storable(request, response):
        response["Cache-Control"] = "no-store"
        return response
    content = response.content
    etag = etag_for(content)
    tags = _tags_of(request)
    if not miss:  # the cache could not be read: answer, keep nothing
        return _public_response(request, content, etag, tags=tags)
    deadline = deadline_for(tags, miss.generation, miss.now)
    remaining = deadline - _now()
    if remaining <= 0:
        # A page went live or expired while this answer was built: do not keep it.
        response["Cache-Control"] = "no-store"
        return response
    if len(content) <= _opt("MAX_ENTRY_BYTES"):
        try:
            _store(miss, tags, etag, content, deadline, remaining)
        except Exception as exc:  # noqa: BLE001
            _failed("write", exc)
    return _public_response(request, content, etag, remaining, tags=tags)


def _store(miss: _Miss, tags, etag: str, content: bytes, deadline: float, remaining: float):
    cache = miss.cache
    generation, stamps = _read(cache, tags)
    # A stamp is the clock value of its tag's last change: one above the clock this build
    # started under means a tag it read changed meanwhile, so it may hold the old rows (and
    # already carry the new stamps). Answer, keep nothing. Changes to other tags do not matter.
    if any(stamp is not None and stamp > miss.generation for stamp in stamps.values()):
        return
    entry_stamps = tuple(sorted((tag, stamps.get(tag)) for tag in tags))
    timeout = max(1, math.ceil(remaining))
    entry = (miss.generation, deadline, etag, content, entry_stamps)
    cache.set(miss.key, entry, timeout=timeout)
    _remember_tags(miss.key, entry)
    # Its stamps were read together with `generation`: fresh at that clock.
    _remember_fresh(miss.key, entry, generation)


def reset_state() -> None:
    """Forget what this process remembered about the cache (tests, and after a fork)."""
    global _down_until, _bump_pending, _last_generation, rebuilds  # noqa: PLW0603
    _down_until, _bump_pending, _last_generation, rebuilds = 0.0, set(), None, 0
    global _fresh_bytes  # noqa: PLW0603
    _key_tags.clear()
    with _fresh_lock:
        _fresh.clear()
        _fresh_bytes = 0
    _keys.clear()
    _next_event.reset()
    _schedule.reset()
    _site_memo._generation = None
    with _clock_watch._lock:
        _clock_watch._close()


def _changed(*tags: str):
    def handler(sender, instance, **kwargs):
        invalidate(*(tag.format(pk=instance.pk) for tag in tags))

    return handler


_on_site = _changed("structure")
_on_restriction = _changed("structure")
_on_redirect = _changed("redirects")
_on_image = _changed("image:{pk}")


def connect_signals() -> None:
    """The framework's own models (Wagtail's); feature apps connect theirs (news.invalidation)."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.images import get_image_model
    from wagtail.models import PageViewRestriction, Site

    handlers = (
        (Site, _on_site),
        (PageViewRestriction, _on_restriction),
        (Redirect, _on_redirect),
        (get_image_model(), _on_image),
    )
    for model, handler in handlers:
        post_save.connect(handler, sender=model, dispatch_uid=f"kiosque-save-{model}")
        post_delete.connect(handler, sender=model, dispatch_uid=f"kiosque-del-{model}")
    invalidate_on_change(*_watched)


# Models feature apps registered with `invalidate_on_change`, in registration order.
_watched: list = []


def _model_changed(sender, instance, **kwargs):
    invalidate(f"model:{sender._meta.label_lower}")


def invalidate_on_change(*models) -> None:
    """Drop the answers of undeclared root fields (they record ANY) when a row of one of
    `models` is saved or deleted: for data only such fields show (the newsletter box). Data that
    declared fields show needs its own tags (see news.invalidation)."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        if model not in _watched:
            _watched.append(model)
        uid = f"kiosque-model-{model._meta.label_lower}"
        post_save.connect(_model_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_model_changed, sender=model, dispatch_uid=f"{uid}-delete")
