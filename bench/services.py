"""PostgreSQL and Redis instances that `make faults` may restart and stop.

By default they are private: a PostgreSQL cluster in var/faults/pg and a redis-server, each on a
free loopback port, so breaking them disturbs nothing else on the machine. `--shared` uses the
machine's own services instead (pg_ctlcluster / redis-cli shutdown), for a machine with nothing
else running.
"""

import os
import shutil
import subprocess
import time
from pathlib import Path

from bench.harness import VAR, free_port

PG_BIN = (
    Path("/usr/lib/postgresql")
    / (
        sorted(os.listdir("/usr/lib/postgresql"))[-1]
        if Path("/usr/lib/postgresql").exists()
        else "15"
    )
    / "bin"
)
REDIS_START = (
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no '
    "--dir /var/lib/redis --logfile /var/log/redis/ci.log"
)


def _as_postgres(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _wait_port(port: int, timeout: float) -> bool:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


class PrivatePostgres:
    def __init__(self):
        self.data = VAR / "faults" / "pg"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/kiosque_faults"

    def _ctl(self, *args: str, timeout: float = 60) -> None:
        # Output to a file, never a pipe: the server would keep a pipe open and hang the wait.
        with (VAR / "faults" / "pg_ctl.log").open("ab") as log:
            subprocess.run(
                _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), *args]),
                check=True,
                timeout=timeout,
                stdout=log,
                stderr=log,
                stdin=subprocess.DEVNULL,
            )

    def start(self) -> "PrivatePostgres":
        if not (self.data / "PG_VERSION").exists():
            self.data.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.data, "postgres", "postgres")
                shutil.chown(self.data.parent, "postgres", "postgres")
            subprocess.run(
                _as_postgres(
                    [
                        str(PG_BIN / "initdb"),
                        "-D",
                        str(self.data),
                        "-U",
                        "postgres",
                        "--auth=trust",
                        "--no-sync",
                        "-E",
                        "UTF8",
                        "--locale=C.UTF-8",
                    ]
                ),  # fmt: skip
                check=True,
                timeout=120,
                capture_output=True,
            )
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data} "
            "-c fsync=off -c max_connections=60"
        )
        self._ctl("-o", options, "-l", str(self.data / "server.log"), "-w", "start")
        return self

    def restart(self) -> None:
        # Fast shutdown: open connections are cut, as in a crash or a failover.
        self._ctl("-m", "fast", "-l", str(self.data / "server.log"), "-w", "restart")

    def stop(self) -> None:
        self._ctl("-m", "fast", "-w", "stop")


class SharedPostgres:
    """The machine's cluster. Restarting it breaks every other user of the machine."""

    url = "postgres://postgres@127.0.0.1:5432/kiosque_ops_faults"

    def start(self):
        return self

    def restart(self) -> None:
        version = sorted(os.listdir("/etc/postgresql"))[-1]
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
            check=True,
            timeout=120,
        )

    def stop(self) -> None:
        pass


class PrivateRedis:
    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "PrivateRedis":
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--logfile", ""],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        if not _wait_port(self.port, 10):
            raise SystemExit("private redis-server did not start")
        return self

    def shutdown(self) -> None:
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"],
            timeout=10,
            check=False,
            capture_output=True,
        )
        if self.proc:
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.shutdown()


class SharedRedis:
    """The machine's Redis. Stopping it breaks every other user of the machine."""

    url = "redis://127.0.0.1:6379/8"

    def start(self):
        if not _wait_port(6379, 0.5):
            subprocess.run(REDIS_START, shell=True, check=True, timeout=30)  # noqa: S602
            _wait_port(6379, 10)
        return self

    def shutdown(self) -> None:
        subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], timeout=10, check=False)

    def stop(self) -> None:
        pass
