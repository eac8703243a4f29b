"""Fixed-window counters in the shared cache (Redis in production).

`cache.add` creates the window's counter atomically and `cache.incr` bumps it atomically, so
concurrent workers never lose a hit. If the cache cannot be reached the limiter fails closed:
signups stop with TEMPORARILY_UNAVAILABLE rather than run unthrottled.
"""

import logging
import time

from django.core.cache import caches

from newsletter.conf import conf

logger = logging.getLogger(__name__)


class RateLimited(Exception):
    pass


class LimiterUnavailable(Exception):
    pass


def hit(scope: str, key: str, limit: int, window: int) -> None:
    """Count one hit for `key`; raise RateLimited past `limit` hits within `window` seconds."""
    bucket = int(time.time() // window)
    cache_key = f"newsletter:rl:{scope}:{key}:{bucket}"
    try:
        cache = caches[conf("RATE_LIMIT_CACHE")]
        if cache.add(cache_key, 1, timeout=window + 1):
            count = 1
        else:
            try:
                count = cache.incr(cache_key)
            except ValueError:
                # The counter expired between add() and incr(): start the window again.
                cache.add(cache_key, 1, timeout=window + 1)
                count = 1
    except Exception as exc:
        logger.error("newsletter rate limiter unavailable: %s", type(exc).__name__)
        raise LimiterUnavailable from exc
    if count > limit:
        raise RateLimited
