"""Measures the response cache in its process layouts and under Redis faults, in one process,
side by side, and writes docs/cache-measurements.md (the figures are never edited by hand).

    .venv/bin/python bench/cache_layouts.py [--requests 300]

- Cache hits with the generation in the shared cache vs in the database (the no-Redis layout).
- Added latency per read with the production fail-open Redis class when Redis is healthy,
  refuses connections, hangs (a listener that never answers), answers slower than the socket
  timeout, and how long a restarted Redis takes to be used again.

Everything runs against a temporary SQLite database and private loopback servers
(redis-server started for the run): nothing shared is touched.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUERY = "{ articles(first: 10) { edges { node { title url section { title } } } } }"


def setup_django(tmp: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["REDIS_URL"] = ""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tests.factories import dated, make_article, make_section, make_site

    section = make_section(make_site(), "Monde")
    for n in range(10):
        make_article(section, f"Article {n}", published_at=dated(n))


def timed(client, n: int) -> list[float]:
    url = "/graphql/?" + urlencode({"query": QUERY})
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url, HTTP_HOST="localhost")
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content
    return samples


def ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"{statistics.median(ordered):.2f} ms (p95 {p95:.2f} ms)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kiosque-cache-bench-"))
    setup_django(tmp)

    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    from cms import cache as redis_cache
    from cms.graphql import cache as http_cache
    from tests.redis_helpers import HangingListener, RedisServer, SlowProxy, free_port

    client = Client()
    n = args.requests
    rows = []

    def layout(store, caches=None):
        options = {**settings.KIOSQUE_CACHE, "GENERATION_STORE": store}
        return override_settings(KIOSQUE_CACHE=options, **({"CACHES": caches} if caches else {}))

    def production(url, retry_after=5.0):
        conf = {
            "BACKEND": "cms.cache.FailOpenRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"cache-bench-{os.getpid()}",
            "OPTIONS": {
                "socket_connect_timeout": 0.25, "socket_timeout": 0.25,
                "retry_after": retry_after,
            },
        }  # fmt: skip
        return {"default": conf, "responses": conf, "ratelimit": conf}

    def fresh():
        redis_cache.breaker.reset()
        http_cache.reset_state()

    # Uncached reference: the cache turned off.
    with override_settings(KIOSQUE_CACHE={**settings.KIOSQUE_CACHE, "ENABLED": False}):
        rows.append(("no response cache (every read built)", ms(timed(client, n))))
    layouts = (
        ("cache", "local memory, generation in the cache (one process)"),
        ("database", "local memory, generation in the database (no Redis)"),
    )
    for store, label in layouts:
        fresh()
        with layout(store):
            timed(client, 1)
            rows.append((f"hit: {label}", ms(timed(client, n))))

    server = RedisServer().start()
    try:
        fresh()
        with layout("cache", production(server.url)):
            timed(client, 1)
            rows.append(("hit: Redis healthy (production class)", ms(timed(client, n))))

        fresh()
        with layout("cache", production(f"redis://127.0.0.1:{free_port()}/0")):
            first = timed(client, 1)
            rows.append(("Redis refusing: first read (trips the breaker)", ms(first)))
            rows.append(("Redis refusing: reads while the breaker is open", ms(timed(client, n))))

        hanging = HangingListener()
        fresh()
        with layout("cache", production(hanging.url)):
            first = timed(client, 1)
            rows.append(("Redis hanging: first read (one socket timeout)", ms(first)))
            rows.append(("Redis hanging: reads while the breaker is open", ms(timed(client, n))))
        hanging.close()

        proxy = SlowProxy(server.port, delay=0.6)
        fresh()
        with layout("cache", production(proxy.url)):
            first = timed(client, 1)
            rows.append(("Redis slower than the timeout: first read", ms(first)))
            rows.append(("Redis slower than the timeout: reads after", ms(timed(client, n))))
        proxy.close()

        fresh()
        with layout("cache", production(server.url, retry_after=1.0)):
            timed(client, 2)
            server.stop()
            timed(client, 1)
            server.start()
            stopped_at = time.perf_counter()
            while not redis_cache.breaker.is_open(server.url) and False:
                pass
            back = None
            while back is None and time.perf_counter() - stopped_at < 10:
                timed(client, 1)
                if (
                    http_cache._cache().available()
                    and http_cache._cache().get(http_cache.GENERATION_KEY) is not None
                ):
                    back = time.perf_counter() - stopped_at
                time.sleep(0.05)
            rows.append(
                ("Redis restarted: cache used again after (retry_after = 1 s)",
                 f"{back:.2f} s" if back is not None else "not within 10 s")
            )  # fmt: skip
    finally:
        server.stop()

    lines = [
        "# Response cache: process layouts and Redis faults",
        "",
        "Written by `bench/cache_layouts.py` (in-process Django test client, SQLite, 10 articles,",
        f"{n} reads per row, medians; production fail-open class with 0.25 s socket timeouts).",
        "The machine is shared: compare rows of one run, not runs.",
        "",
        "| case | per read |",
        "|---|---|",
        *[f"| {case} | {value} |" for case, value in rows],
        "",
    ]
    out = ROOT / "docs" / "cache-measurements.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print(out.read_text())


if __name__ == "__main__":
    main()
