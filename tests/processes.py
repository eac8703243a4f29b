"""The project run the way it is deployed: child Python processes with a chosen environment,
loopback ports, and gunicorn's configuration as gunicorn reads it."""

import contextlib
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing answers on port {port}")


def clean_env(**env: str) -> dict:
    """Only PATH and `env`: nothing from the developer's shell or the test process leaks in."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), **env}


def run_python(*args: str, env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    """This interpreter on `args` (`-c code` or a script), from the project root; never raises
    on a non-zero exit, so the test can assert on it."""
    return subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def gunicorn_config(monkeypatch, **env: str):
    """gunicorn.conf.py read under `env` alone (every variable it reads cleared first), each
    value set through gunicorn's own validation, as `gunicorn -c gunicorn.conf.py` would."""
    from gunicorn.config import Config

    for key in list(os.environ):
        if key.startswith("GUNICORN_") or key in {
            "WEB_CONCURRENCY", "PORT", "LOG_LEVEL", "FORWARDED_ALLOW_IPS",
        }:  # fmt: skip
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    namespace = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config = Config()
    for key, value in namespace.items():
        if key in config.settings:
            config.set(key, value)  # gunicorn validates each value here
    return config


@contextlib.contextmanager
def servers_on(ports: list[int], command_for, env: dict, timeout: float = 60):
    """One server process per port (`command_for(port)`: its arguments after this interpreter,
    run from the project root with `env` plus PORT), each in its own process group, stopped
    with it (gunicorn's workers included) on the way out. Yields their base URLs once they all
    accept connections."""
    processes = [
        subprocess.Popen(  # noqa: S603 - this interpreter, the caller's fixed arguments
            [sys.executable, *command_for(port)],
            cwd=ROOT,
            env={**env, "PORT": str(port)},
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for port in ports
    ]
    try:
        for port in ports:
            wait_for_port(port, timeout=timeout)
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
