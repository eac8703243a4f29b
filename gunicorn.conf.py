"""gunicorn settings for production; each one can be tuned from the environment.

Run with: gunicorn --config gunicorn.conf.py cms.wsgi
"""

import gc
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Where to listen: PORT as platforms set it; GUNICORN_BIND overrides (e.g. a unix socket).
bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{_int('PORT', 8000)}"

# Workers: WEB_CONCURRENCY as platforms set it; by default two per core, capped, since each
# worker holds its own database connection and a copy of the app.
workers = _int("WEB_CONCURRENCY", min(2 * (os.cpu_count() or 1) + 1, 8))
# Threads per worker. One (the default) runs the sync worker, whose heartbeat stops while it
# serves a request, so `timeout` kills a request that runs too long. Above 1 gunicorn switches
# to the threaded worker, whose main thread keeps the heartbeat going whatever its request
# threads do: `timeout` then never stops a request, and only the app's own time budget
# (KIOSQUE_REQUEST_TIME_MS) applies. See docs/security.md.
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
wsgi_app = "cms.wsgi:application"

# A request taking longer than this is killed and its worker restarted (sync worker only).
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Connections kept open behind a load balancer; shorter than its idle timeout.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Worker recycling is off unless GUNICORN_MAX_REQUESTS asks for it: a recycled worker loses its
# local-memory caches (the response cache without Redis, parsed documents, the site memo) and
# serves its next requests cold. At 2,000 requests per worker it came round about once a second
# under cached load and made the cached p99 0.4-0.5 s (docs/benchmarks.md). The caches are
# bounded (KIOSQUE_CACHE_MAX_ENTRIES); set it, with jitter, to guard against a leak.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Headers too large to be genuine are refused before Django sees them.
limit_request_field_size = 8190
# gunicorn's largest request line (its own HTML 414 beyond it). The app refuses query strings
# over KIOSQUE_MAX_URL_BYTES (8,000) with a JSON 414 first; keep that limit below this one.
limit_request_line = 8190

# Heartbeat files in memory, not on a container's overlay disk.
_SHM = "/dev/shm"  # noqa: S108 (memory-backed, not a shared temp dir)
if os.path.isdir(_SHM):
    worker_tmp_dir = _SHM

# Logs: JSON lines on stdout/stderr (cms.logging), one access line per request with method,
# path, status, bytes, duration, user agent and X-Request-ID.
logger_class = "cms.logging.JsonGunicornLogger"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Kept for gunicorn's plain logger; JsonGunicornLogger writes the same fields as JSON.
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s" %({x-request-id}i)s'

# Behind a proxy that sets X-Forwarded-* (Django reads X-Forwarded-Proto, see production.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Load the app once in the master: faster starts, less memory through copy-on-write.
preload_app = True


def when_ready(server):
    # The preloaded app (Django, Wagtail, the schema: most of a worker's objects) is set aside
    # from the collector before the fork: a full collection in a worker then walks only what
    # the worker made since, instead of pausing a request for the whole heap, and walking it
    # no longer writes to the shared pages (copy-on-write). GUNICORN_GC_FREEZE=0 turns it off.
    if _int("GUNICORN_GC_FREEZE", 1):
        gc.collect()
        gc.freeze()


def post_fork(server, worker):
    # Young objects collected less often in each worker (cms/heap.py: a feed page allocates a
    # few hundred thousand; KIOSQUE_GC_THRESHOLDS), and what the worker holds after the fork
    # frozen too unless GUNICORN_GC_FREEZE=0.
    from cms import heap

    heap.settle(freeze=bool(_int("GUNICORN_GC_FREEZE", 1)))


# No gunicornc control socket: containers are managed from outside, and several servers on one
# host (load tests) would fight over the default path.
control_socket_disable = True
