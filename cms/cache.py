"""A Redis cache that fails open: when Redis is unreachable, reads miss and writes are dropped.

Django and Wagtail read the default cache on the request path (site root paths, renditions,
the API's response cache); a Redis outage must slow them down, not turn reads into errors.
Whatever must fail closed (newsletter rate limits) uses the strict `ratelimit` alias instead.

After a failure the cache is skipped altogether for `RETRY_AFTER` seconds (a circuit breaker,
shared by every thread of the process for the same server): a Redis that refuses, hangs or
answers too slowly costs one socket timeout per process and per period, not one per call.
The first call after the period tries Redis again, so the cache comes back by itself.
"""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.retry import Retry

from cms.upstream import reuse_redis_clients

logger = logging.getLogger(__name__)

_ERRORS = (RedisError, OSError)
RETRY_AFTER = 5.0


def no_retry() -> Retry:
    """redis-py retries a failed command by default; the breaker decides instead."""
    return Retry(NoBackoff(), 0)


class _Breaker:
    """Per-process, per-server: open (skip Redis) until a moment after the last failure."""

    def __init__(self):
        self._lock = threading.Lock()
        self._open_until: dict[str, float] = {}

    def is_open(self, server: str) -> bool:
        return time.monotonic() < self._open_until.get(server, 0.0)

    def trip(self, server: str, retry_after: float) -> None:
        with self._lock:
            self._open_until[server] = time.monotonic() + retry_after

    def reset(self, server: str | None = None) -> None:
        with self._lock:
            if server is None:
                self._open_until.clear()
            else:
                self._open_until.pop(server, None)


breaker = _Breaker()


class CircuitOpen(RedisConnectionError):
    """Raised instead of trying Redis while the breaker is open (for callers that must know)."""


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._breaker_key = server if isinstance(server, str) else ",".join(server)
        self.retry_after = float(params.get("OPTIONS", {}).get("retry_after", RETRY_AFTER))
        # Not a redis-py connection option.
        self._options = {k: v for k, v in self._options.items() if k != "retry_after"}
        self._options.setdefault("retry", no_retry())
        reuse_redis_clients(self)

    def available(self) -> bool:
        return not breaker.is_open(self._breaker_key)

    def _call(self, operation: str, default, fn, *args):
        if not self.available():
            return default
        try:
            return fn(*args)
        except _ERRORS as exc:
            breaker.trip(self._breaker_key, self.retry_after)
            logger.warning(
                "cache %s failed, continuing without cache for %.0f s: %s",
                operation,
                self.retry_after,
                type(exc).__name__,
            )
            return default

    def get(self, key, default=None, version=None):
        return self._call("get", default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, super().has_key, key, version)

    def set(self, key, value, timeout=None, version=None):  # noqa: A003
        self._call("set", None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=None, version=None):
        return self._call("set_many", list(data), super().set_many, data, timeout, version)

    def add(self, key, value, timeout=None, version=None):
        return self._call("add", False, super().add, key, value, timeout, version)

    def touch(self, key, timeout=None, version=None):
        return self._call("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        self._call("delete_many", None, super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        # Invalidation must know it did not happen (it is replayed later): raise, never swallow.
        if not self.available():
            raise CircuitOpen("cache skipped after a recent failure")
        try:
            return super().incr(key, delta, version)
        except _ERRORS:
            breaker.trip(self._breaker_key, self.retry_after)
            raise
