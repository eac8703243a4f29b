"""`make faults`: break what Kiosque depends on while it serves traffic, and check it recovers.

Scenarios (all on 127.0.0.1, each bounded in time):
  postgres  PostgreSQL restarted (fast shutdown) under load: the service must answer again within
            5 s of the database being back, with no 5xx afterwards (conn_health_checks).
  redis     Redis stopped under load, then started again: reads keep being served (the cache
            fails open), /readyz reports the cache, newsletter signups are refused cleanly (rate
            limiting fails closed) when the mutation exists.
  worker    The webhook worker killed (SIGKILL) mid-delivery and restarted: every queued delivery
            still reaches the receiver (at-least-once). Skipped when the build has no worker.

By default PostgreSQL and Redis are private instances started for the run (bench/services.py),
so nothing else on the machine is disturbed. --shared uses the machine's services instead: only
on a machine where nothing else is running.

    .venv/bin/python bench/faults.py [--scenario postgres|redis|worker|all] [--shared]
"""

import argparse
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    PYTHON,
    ROOT,
    VAR,
    Server,
    ensure_database,
    free_port,
    get,
    post_json,
    prepare,
    server_env,
    signup,
)
from bench.services import PrivatePostgres, PrivateRedis, SharedPostgres, SharedRedis  # noqa: E402

OUT = VAR / "faults"
RECOVERY_BUDGET_S = 5.0
ARTICLE = "query($slug: String!) { article(slug: $slug) { title standfirst section { slug } } }"
LISTING = "{ articles(first: 10) { edges { node { title url } } } }"


@dataclass
class Sample:
    start: float
    end: float
    status: int
    kind: str


class Load:
    """A few client threads sending API reads back to back, recording every response."""

    def __init__(self, base_url: str, articles: list[str], threads: int = 6):
        self.base_url = base_url
        self.articles = articles or [""]
        self.threads = threads
        self.samples: list[Sample] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.workers: list[threading.Thread] = []

    def _run(self, index: int) -> None:
        n = index
        while not self.stopping.is_set():
            n += self.threads
            start = time.monotonic()
            if n % 3:
                slug = self.articles[n % len(self.articles)]
                payload = {"query": ARTICLE, "variables": {"slug": slug}}
            else:
                payload = {"query": LISTING}
            status, body = post_json(f"{self.base_url}/graphql/", payload, timeout=10)
            if status == 200 and b'"errors"' in body:
                status = 299  # a GraphQL error in a 200: counted as a failure below
            with self.lock:
                self.samples.append(Sample(start, time.monotonic(), status, "read"))

    def start(self) -> "Load":
        for index in range(self.threads):
            thread = threading.Thread(target=self._run, args=(index,), daemon=True)
            thread.start()
            self.workers.append(thread)
        return self

    def stop(self) -> list[Sample]:
        self.stopping.set()
        for thread in self.workers:
            thread.join(timeout=15)
        return sorted(self.samples, key=lambda s: s.start)


def failed(sample: Sample) -> bool:
    return sample.status != 200


def readyz(base_url: str) -> tuple[int, dict]:
    status, body = get(f"{base_url}/readyz", timeout=5)
    try:
        return status, json.loads(body)
    except ValueError:
        return status, {}


def scenario_postgres(server: Server, pg, info: dict) -> dict:
    load = Load(server.base_url, info["articles"]).start()
    time.sleep(5)
    restart_began = time.monotonic()
    pg.restart()
    back = time.monotonic()
    outage_probe = readyz(server.base_url)
    time.sleep(15)
    samples = load.stop()

    before = [s for s in samples if s.end < restart_began]
    after = [s for s in samples if s.start >= back]
    first_ok = next((s.end for s in after if not failed(s)), None)
    recovery = (first_ok - back) if first_ok else None
    after_recovery = [s for s in after if first_ok and s.start >= first_ok]
    errors_after = [s for s in after_recovery if failed(s)]
    during = [s for s in samples if s.start < back and s.end >= restart_began]
    ok = (
        bool(before)
        and not any(failed(s) for s in before)
        and recovery is not None
        and recovery <= RECOVERY_BUDGET_S
        and not errors_after
        and len(after_recovery) > 0
    )
    return {
        "ok": ok,
        "restart_took_s": round(back - restart_began, 2),
        "recovered_within_s": round(recovery, 3) if recovery is not None else None,
        "budget_s": RECOVERY_BUDGET_S,
        "requests_before": len(before),
        "requests_during_restart": len(during),
        "failed_during_restart": sum(failed(s) for s in during),
        "requests_after_recovery": len(after_recovery),
        "failed_after_recovery": len(errors_after),
        "statuses_after_recovery": sorted({s.status for s in after_recovery}),
        "readyz_right_after_restart": outage_probe[0],
    }


def _signup(base_url: str, n: int) -> dict:
    return signup(base_url, f"faults.{int(time.time())}.{n}@example.org", source="faults")


def scenario_redis(server: Server, redis, info: dict) -> dict:
    has_signup = "subscribeNewsletter" in info["mutation_fields"]
    load = Load(server.base_url, info["articles"]).start()
    time.sleep(3)
    ready_before = readyz(server.base_url)
    down_at = time.monotonic()
    redis.shutdown()
    time.sleep(2)
    ready_down = readyz(server.base_url)
    signup_down = _signup(server.base_url, 1) if has_signup else None
    time.sleep(6)
    up_at = time.monotonic()
    redis.start()
    time.sleep(3)
    ready_after = readyz(server.base_url)
    signup_after = _signup(server.base_url, 2) if has_signup else None
    time.sleep(2)
    samples = load.stop()

    while_down = [s for s in samples if down_at <= s.start < up_at]
    failures = [s for s in samples if failed(s)]
    signup_closed = signup_down is None or (
        signup_down["status"] == 200
        and signup_down["ok"] is False
        and bool(signup_down["codes"])
        and not signup_down["graphql_errors"]
    )
    ok = (
        not failures
        and len(while_down) > 0
        and ready_before[0] == 200
        and ready_down[0] == 503
        and "cache" in ready_down[1].get("reason", "")
        and ready_after[0] == 200
        and signup_closed
    )
    return {
        "ok": ok,
        "requests_total": len(samples),
        "requests_while_redis_down": len(while_down),
        "failed_requests": len(failures),
        "failed_statuses": sorted({s.status for s in failures}),
        "readyz_before": ready_before[0],
        "readyz_while_down": ready_down,
        "readyz_after_restart": ready_after[0],
        "signup_while_down": signup_down or "no subscribeNewsletter mutation in this build",
        "signup_after_restart": signup_after,
    }


class _Receiver(http.server.BaseHTTPRequestHandler):
    received: list[str] = []
    delay = 0.3

    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(self.delay)  # slow receiver: the kill lands while a delivery is in flight
        _Receiver.received.append(self.headers.get("X-Kiosque-Delivery", ""))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def scenario_worker(env: dict, info: dict) -> dict:
    if "run_worker" not in info["commands"]:
        return {
            "ok": None,
            "skipped": "no run_worker command in this build (webhook worker not merged yet)",
        }
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{receiver.server_port}/hook"
    helper = [PYTHON, str(ROOT / "bench" / "fault_worker.py")]
    ids = json.loads(
        subprocess.run(
            [*helper, "enqueue", url, "30"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout  # fmt: skip
    )
    log = (OUT / "worker.log").open("ab")
    worker_cmd = [PYTHON, "manage.py", "run_worker", "--interval", "0.2"]
    worker = subprocess.Popen(worker_cmd, env=env, cwd=ROOT, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while len(_Receiver.received) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(_Receiver.delay / 2)  # mid-request: the receiver is still answering
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    killed_after = len(_Receiver.received)
    worker = subprocess.Popen(worker_cmd, env=env, cwd=ROOT, stdout=log, stderr=log)
    counts = {}
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline:
            counts = json.loads(
                subprocess.run(
                    [*helper, "status", *map(str, ids)],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                    timeout=60,
                ).stdout  # fmt: skip
            )
            if counts.get("sent", 0) == len(ids):
                break
            time.sleep(1)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        receiver.shutdown()
    received = set(_Receiver.received)
    missing = [i for i in ids if str(i) not in received]
    duplicates = len(_Receiver.received) - len(received)
    return {
        "ok": not missing and counts.get("sent") == len(ids),
        "queued": len(ids),
        "received_before_kill": killed_after,
        "received_distinct": len(received & {str(i) for i in ids}),
        "missing": missing,
        "duplicates_received": duplicates,
        "final_status": counts,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scenario", choices=["postgres", "redis", "worker", "all"], default="all"
    )
    parser.add_argument("--shared", action="store_true", help="break the machine's own services")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    pg = (SharedPostgres() if args.shared else PrivatePostgres()).start()
    redis = (SharedRedis() if args.shared else PrivateRedis()).start()
    results: dict = {"mode": "shared services" if args.shared else "private instances"}
    try:
        ensure_database(pg.url)
        port = free_port()
        env = server_env(
            database_url=pg.url,
            redis_url=redis.url,
            port=port,
            extra={"WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
                   "BENCH_ARTICLES_PER_SECTION": "4", "GUNICORN_ACCESS_LOG": ""},
        )  # fmt: skip
        print(f"preparing {pg.url} …", flush=True)
        info = prepare(env)
        scenarios = ["postgres", "redis", "worker"] if args.scenario == "all" else [args.scenario]
        for name in scenarios:
            print(f"scenario {name} …", flush=True)
            if name == "worker":
                results[name] = scenario_worker(env, info)
            else:
                with Server(env, OUT / "gunicorn.log") as server:
                    if name == "postgres":
                        results[name] = scenario_postgres(server, pg, info)
                    else:
                        results[name] = scenario_redis(server, redis, info)
            print(json.dumps(results[name], indent=2, ensure_ascii=False), flush=True)
    finally:
        redis.stop()
        pg.stop()
    (OUT / "last-run.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    verdicts = {k: v.get("ok") for k, v in results.items() if isinstance(v, dict)}
    print("verdicts:", json.dumps(verdicts))
    return 1 if any(v is False for v in verdicts.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
