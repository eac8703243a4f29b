"""A private redis-server and misbehaving stand-ins for it, on loopback ports, for fault tests.

Nothing here touches a Redis the tests did not start themselves."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import threading
import time

import pytest

from tests.processes import free_port, wait_for_port

__all__ = ["free_port", "wait_for_port"]  # also used by the fault tests and bench/

REDIS_SERVER = shutil.which("redis-server")


class RedisServer:
    """redis-server on a free port, in memory only; can be stopped and started again."""

    def __init__(self):
        if REDIS_SERVER is None:
            pytest.skip("redis-server is not installed (apt-get install redis-server)")
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return self.url_for(0)

    def url_for(self, db: int) -> str:
        # The path names the database: redis-py prefers it to a `db` keyword argument.
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class HangingListener:
    """Accepts TCP connections and never answers: a Redis that hangs. Counts connections."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.accepted:
            conn.close()


class SlowProxy:
    """Forwards to a real server, holding every reply back by `delay` seconds."""

    def __init__(self, target_port: int, delay: float):
        self.target_port = target_port
        self.delay = delay
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self._pipe, args=(client, upstream, 0), daemon=True).start()
            threading.Thread(
                target=self._pipe, args=(upstream, client, self.delay), daemon=True
            ).start()

    @staticmethod
    def _pipe(source, target, delay) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                if delay:
                    time.sleep(delay)
                target.sendall(data)
        with contextlib.suppress(OSError):
            target.close()

    def close(self) -> None:
        self.sock.close()


def fail_open(url: str, prefix: str = "kiosque-faults", **options) -> dict:
    """The production response-cache settings (cms.settings.base), pointed at `url`."""
    return {
        "BACKEND": "cms.cache.FailOpenRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": prefix,
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25, **options},
    }


def strict(url: str, prefix: str = "kiosque-faults-rl") -> dict:
    """The production rate-limit settings, pointed at `url`."""
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": prefix,
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25, "retry": None},
    }
