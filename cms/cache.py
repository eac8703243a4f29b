"""A Redis cache that fails open: when Redis is unreachable, reads miss and writes are dropped.

Django and Wagtail read the default cache on the request path (site root paths, renditions,
the API's response cache); a Redis outage must slow them down, not turn reads into errors.
Whatever must fail closed (newsletter rate limits) uses the strict `ratelimit` alias instead.
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

_ERRORS = (RedisError, OSError)


class FailOpenRedisCache(RedisCache):
    def _failed(self, operation: str, exc: Exception) -> None:
        logger.warning(
            "cache %s failed, continuing without cache: %s", operation, type(exc).__name__
        )

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except _ERRORS as exc:
            self._failed("get", exc)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except _ERRORS as exc:
            self._failed("get_many", exc)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except _ERRORS as exc:
            self._failed("has_key", exc)
            return False

    def set(self, key, value, timeout=None, version=None):  # noqa: A003
        try:
            super().set(key, value, timeout, version)
        except _ERRORS as exc:
            self._failed("set", exc)

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except _ERRORS as exc:
            self._failed("set_many", exc)
            return list(data)

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except _ERRORS as exc:
            self._failed("add", exc)
            return False

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except _ERRORS as exc:
            self._failed("touch", exc)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except _ERRORS as exc:
            self._failed("delete", exc)
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except _ERRORS as exc:
            self._failed("delete_many", exc)
