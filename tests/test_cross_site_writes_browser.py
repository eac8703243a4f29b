"""Hole: a foreign web page made its visitors' browsers subscribe addresses (issue 11.7).

Three loopback origins in a real headless Chromium: the API on Django's live server, a foreign
page on another port, and a frontend on a third port listed in CORS_ALLOWED_ORIGINS. The foreign
page tries every write a page can make without a CORS preflight (HTML forms in each encoding,
`no-cors` fetches) and a JSON fetch, which needs a preflight that CORS refuses; none may store an
address. The allowed frontend's JSON fetch still subscribes one.
"""

import json
import os
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsletter.models import Subscriber

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("KIOSQUE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


def mutation(email: str) -> str:
    return f'mutation {{ subscribeNewsletter(email: "{email}", consent: true) {{ ok }} }}'


def foreign_page(api: str) -> str:
    """Every write a page can send cross-site without a preflight, then a preflighted one."""
    plain_name = json.dumps({"query": mutation("form-plain@example.com"), "x": ""})[:-3]
    return f"""<!doctype html><html><meta charset="utf-8"><body>
<iframe name="sink-urlencoded"></iframe><iframe name="sink-multipart"></iframe>
<iframe name="sink-plain"></iframe>
<form id="urlencoded" method="post" action="{api}" target="sink-urlencoded">
  <input type="hidden" name="query" value='{mutation("form-urlencoded@example.com")}'>
</form>
<form id="multipart" method="post" action="{api}" target="sink-multipart"
      enctype="multipart/form-data">
  <input type="hidden" name="query" value='{mutation("form-multipart@example.com")}'>
</form>
<form id="plain" method="post" action="{api}" target="sink-plain" enctype="text/plain">
  <input type="hidden" name='{plain_name}' value='"}}'>
</form>
<script>
window.results = {{}};
function loaded(name) {{
  return new Promise((resolve) => {{
    document.querySelector(`iframe[name="${{name}}"]`).addEventListener("load", resolve,
                                                                        {{once: true}});
  }});
}}
async function attempt(label, run) {{
  try {{ await run(); window.results[label] = "sent"; }}
  catch (error) {{ window.results[label] = "blocked: " + error; }}
}}
(async () => {{
  for (const id of ["urlencoded", "multipart", "plain"]) {{
    const done = loaded("sink-" + id);
    document.getElementById(id).submit();
    await done;
    window.results["form-" + id] = "submitted";
  }}
  await attempt("no-cors-urlencoded", () => fetch("{api}", {{
    method: "POST", mode: "no-cors",
    body: new URLSearchParams({{query: {json.dumps(mutation("fetch-urlencoded@example.com"))}}}),
  }}));
  await attempt("no-cors-plain", () => fetch("{api}", {{
    method: "POST", mode: "no-cors", headers: {{"Content-Type": "text/plain"}},
    body: JSON.stringify({{query: {json.dumps(mutation("fetch-plain@example.com"))}}}),
  }}));
  await attempt("cors-json", () => fetch("{api}", {{
    method: "POST", headers: {{"Content-Type": "application/json"}},
    body: JSON.stringify({{query: {json.dumps(mutation("fetch-json@example.com"))}}}),
  }}));
  window.done = true;
}})();
</script></body></html>"""


def friendly_page(api: str) -> str:
    return f"""<!doctype html><html><meta charset="utf-8"><body><script>
(async () => {{
  const response = await fetch("{api}", {{
    method: "POST", headers: {{"Content-Type": "application/json"}},
    body: JSON.stringify({{query: {json.dumps(mutation("ami@example.com"))}}}),
  }});
  window.answer = await response.json();
  window.done = true;
}})();
</script></body></html>"""


@contextmanager
def serve_page(html: str):
    """A one-page site on its own loopback port: another origin than the API."""
    body = html.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def _require_chromium():
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return
    message = f"Chromium not found at {CHROMIUM}: run .ci/setup-browser"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def run_page(url: str) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(20_000)
            page.goto(url)
            page.wait_for_function("window.done === true")
            return page.evaluate("({results: window.results, answer: window.answer})")
        finally:
            browser.close()


# Transactional: the live server thread must see what the test writes. Serialized rollback keeps
# the flush at the end from re-creating content types under the next serialized test's rows.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_foreign_page_cannot_subscribe_but_an_allowed_frontend_can(live_server, settings):
    _require_chromium()
    settings.NEWSLETTER = {
        **settings.NEWSLETTER,
        "RATE_LIMIT_PER_IP": (10_000, 60),
        "RATE_LIMIT_PER_EMAIL": (10_000, 3600),
    }
    api = f"{live_server.url}/graphql/"

    with serve_page(foreign_page(api)) as foreign:
        settings.CORS_ALLOWED_ORIGINS = []
        outcome = run_page(foreign)
    results = outcome["results"]
    # Each attempt really left the page; only the preflighted JSON fetch was stopped by CORS.
    assert results["form-urlencoded"] == results["form-multipart"] == "submitted"
    assert results["form-plain"] == "submitted"
    assert results["no-cors-urlencoded"] == results["no-cors-plain"] == "sent"
    assert results["cors-json"].startswith("blocked: TypeError")
    assert list(Subscriber.objects.values_list("email", flat=True)) == []

    with serve_page(friendly_page(api)) as frontend:
        settings.CORS_ALLOWED_ORIGINS = [frontend]
        outcome = run_page(frontend)
    assert outcome["answer"] == {"data": {"subscribeNewsletter": {"ok": True}}}
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["ami@example.com"]
