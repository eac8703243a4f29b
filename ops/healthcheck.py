#!/usr/bin/env python
"""Container HEALTHCHECK: exit 0 when the local server answers /healthz with 200, else 1.

Sends a Host header Django accepts (the first of ALLOWED_HOSTS) and X-Forwarded-Proto: https,
so neither host validation nor the HTTPS redirect gets in the way of a plain-HTTP local probe.
Standard library only: the slim image has no curl.
"""

import os
import sys
import urllib.error
import urllib.request

PATH = "/healthz"


def probe_host() -> str:
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = hosts[0] if hosts else "localhost"
    # ".example.org" allows every subdomain; the bare domain matches it too.
    return host.lstrip(".")


def check(port: int, *, timeout: float = 3.0) -> bool:
    request = urllib.request.Request(  # noqa: S310 (fixed http://127.0.0.1 URL)
        f"http://127.0.0.1:{port}{PATH}",
        headers={"Host": probe_host(), "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


if __name__ == "__main__":
    sys.exit(0 if check(int(os.environ.get("PORT", "8000"))) else 1)
