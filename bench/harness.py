"""Shared plumbing for `make loadtest` and `make faults`: a production-like gunicorn on loopback,
on its own PostgreSQL database and Redis database, with content loaded.

Everything here talks to 127.0.0.1 only, and every wait is bounded.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
PYTHON = sys.executable

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/kiosque_ops"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/8"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit(
            f"refusing to run against {host!r}: load and fault tests stay on loopback"
        )


def ensure_database(database_url: str) -> None:
    """Create the PostgreSQL database named in the URL if it does not exist yet."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def server_env(*, database_url: str, redis_url: str, port: int, extra: dict | None = None) -> dict:
    """The environment of a production deployment, pointed at loopback services."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CACHE_", "KIOSQUE_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": "ops-bench",
            "MEDIA_ROOT": str(VAR / "bench-media"),
            "WAGTAILADMIN_BASE_URL": f"http://127.0.0.1:{port}",
            "PORT": str(port),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            # The fault scenarios' webhook receiver listens on loopback.
            "KIOSQUE_WEBHOOK_ALLOW_PRIVATE": "true",
        }
    )
    env.update(extra or {})
    return env


def prepare(env: dict, timeout: float = 600) -> dict:
    """Migrate, load content, and describe it (sections, articles, schema fields)."""
    result = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "prepare.py")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit("preparing the database failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


class Server:
    """gunicorn with gunicorn.conf.py, started in its own process group."""

    def __init__(self, env: dict, log_path: Path):
        self.env = env
        self.port = int(env["PORT"])
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_timeout: float = 60) -> "Server":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "--config", "gunicorn.conf.py", "cms.wsgi"],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited early; see {self.log_path}")
            if get(f"{self.base_url}/readyz", timeout=2)[0] == 200:
                return self
            time.sleep(0.5)
        self.stop()
        raise SystemExit(f"gunicorn was not ready within {ready_timeout:.0f} s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def get(url: str, *, timeout: float = 5, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (loopback, checked)
    return _request(request, timeout)


def post_json(url: str, payload: dict, *, timeout: float = 5) -> tuple[int, bytes]:
    request = urllib.request.Request(  # noqa: S310 (loopback, checked)
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    return _request(request, timeout)


def _request(request: urllib.request.Request, timeout: float) -> tuple[int, bytes]:
    require_loopback(request.full_url)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (urllib.error.URLError, OSError):
        return 0, b""


SIGNUP = """mutation Signup($email: String!, $source: String) {
  subscribeNewsletter(email: $email, consent: true, source: $source) { ok errors { code } }
}"""


def signup(base_url: str, email: str, *, source: str) -> dict:
    """One newsletter signup through the API, summarised for a report."""
    status, body = post_json(
        f"{base_url}/graphql/",
        {"query": SIGNUP, "variables": {"email": email, "source": source}},
        timeout=10,
    )
    try:
        payload = json.loads(body)
    except ValueError:
        payload = {}
    result = (payload.get("data") or {}).get("subscribeNewsletter") or {}
    return {
        "status": status,
        "ok": result.get("ok"),
        "codes": [e.get("code") for e in result.get("errors") or []],
        "graphql_errors": [e.get("message") for e in payload.get("errors") or []],
    }


def gunicorn_settings(env: dict) -> dict:
    """What gunicorn.conf.py (which gunicorn reads from ROOT) sets under `env`, as run."""
    import runpy

    saved = dict(os.environ)
    try:
        os.environ.update(env)
        conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {
        "workers": conf["workers"],
        "worker_class": conf["worker_class"],
        "max_requests": conf["max_requests"],
        "max_requests_jitter": conf["max_requests_jitter"],
        "gc_freeze": bool(int(env.get("GUNICORN_GC_FREEZE", "1") or "1")),
    }


def server_description(env: dict, *, workers=None, worker_class=None, freeze="") -> str:
    """How gunicorn ran under `env`, for a report: workers (gunicorn.conf.py's unless the bench
    set them on the command line), max-requests and gc.freeze()."""
    conf = gunicorn_settings(env)
    max_requests = conf["max_requests"]
    return (
        f"{workers or conf['workers']} {worker_class or conf['worker_class']} workers, "
        f"max-requests {max_requests}{' (off)' if not max_requests else ''}, gc.freeze() "
        f"{freeze}{'on' if conf['gc_freeze'] else 'off'}"
    )
