"""In-process measurements for one settings module (run by bench/run.py in a subprocess, since
the Kiosque and stock schemas cannot live in one process).

    DJANGO_SETTINGS_MODULE=bench.settings_kiosque python -m bench.inprocess CASE...

Prints one JSON object: {case: {"sql": n, "p50_ms": x, "p95_ms": y, "bytes": n, "url": ...}}.
"""

import json
import os
import statistics
import sys
import time

import django

N = int(os.environ.get("BENCH_ITERATIONS", "60"))


def main(cases: list[str]) -> None:
    django.setup()
    from django.db import connection
    from django.test import Client

    from bench.queries import request_for

    client = Client(HTTP_HOST="localhost")
    out = {}
    for case in cases:
        method, url, body = request_for(case)

        def call(method=method, url=url, body=body):
            if method == "POST":
                response = client.post(url, body, content_type="application/json")
                response.body = response.content
                return response
            response = client.get(url)
            if response.streaming:
                response.body = b"".join(response.streaming_content)
            else:
                response.body = response.content
            return response

        response = call()  # warm: renditions, parsed schema, connections
        assert response.status_code == 200, (case, response.status_code, response.content[:300])
        payload = response.body
        if b'"errors"' in payload[:20]:
            raise SystemExit(f"{case}: {payload[:500]!r}")
        executed = []

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            call()
        if os.environ.get("BENCH_HEAP_SETTLE") == "1":
            from cms import heap  # as a gunicorn worker does after loading the app

            heap.settle()
        timings, cpu = [], []
        for _ in range(N):
            start, start_cpu = time.perf_counter(), time.process_time()
            call()
            timings.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        timings.sort()
        out[case] = {
            "sql": len(executed),
            "p50_ms": round(statistics.median(timings), 2),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
            "cpu_p50_ms": round(statistics.median(cpu), 2),
            "bytes": len(payload),
        }
        if case == "kiosque_listing" and os.environ.get("BENCH_STATIC_OUT"):
            with open(os.environ["BENCH_STATIC_OUT"], "wb") as fh:
                fh.write(payload)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
