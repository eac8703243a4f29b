"""CDN tags: each cacheable answer names what it was built from, and a change purges by tag.

KIOSQUE_CDN (settings) chooses the header and the purge backend:
- "fastly": `Surrogate-Key` header, purge with POST /service/<id>/purge (one call for many keys)
  https://www.fastly.com/documentation/reference/api/purging/
- "cloudflare": `Cache-Tag` header, purge with POST /zones/<id>/purge_cache {"tags": [...]}
  https://developers.cloudflare.com/cache/how-to/purge-cache/purge-by-tags/
- "varnish": `xkey` header (vmod xkey), purge with a PURGE request carrying `xkey-purge`
  https://github.com/varnish/varnish-modules/blob/master/src/vmod_xkey.vcc
A purge failure is logged and never fails the change that caused it.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable

from django.conf import settings

from cms.graphql import dependencies

logger = logging.getLogger(__name__)

HEADERS = {"fastly": "Surrogate-Key", "cloudflare": "Cache-Tag", "varnish": "xkey"}
SEPARATORS = {"fastly": " ", "cloudflare": ",", "varnish": " "}
# Cloudflare accepts at most 30 tags per purge call; Fastly 256 keys per batch.
BATCH = {"fastly": 256, "cloudflare": 30, "varnish": 100}
TIMEOUT = 2.0


def config() -> dict:
    return getattr(settings, "KIOSQUE_CDN", None) or {}


def backend() -> str | None:
    name = config().get("BACKEND")
    return name if name in HEADERS else None


# The longest tag header sent. Fastly and Cloudflare keep 16 KB of tags and drop the rest
# without a word; Varnish refuses a header line longer than http_resp_hdr_len (8 KB by
# default), and proxies in front of the origin often buffer less.
HEADER_BYTES = 8000
# Every answer reads ALL (bulk writes purge it) and every change purges ANY.
EVERY_CHANGE = (dependencies.ALL, dependencies.ANY)


def header_value(tags: Iterable[str]) -> str:
    """The tag header of an answer that read `tags`; past HEADER_BYTES, the tags every change
    purges instead: a CDN that kept only some of the tags would miss the others' purges and
    keep a stale answer, while this one is purged more often than it needs, never too late."""
    prefix, separator = config().get("TAG_PREFIX", ""), SEPARATORS[backend()]
    value = separator.join(sorted(prefix + tag for tag in tags))
    if len(value.encode()) > config().get("HEADER_BYTES", HEADER_BYTES):
        value = separator.join(prefix + tag for tag in EVERY_CHANGE)
    return value


def tag_response(response, tags: Iterable[str]) -> None:
    """Add the configured tag header to a cacheable response."""
    if backend() is not None:
        response[HEADERS[backend()]] = header_value(tags)


def _send(method: str, url: str, headers: dict, body: bytes | None) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310
    with urllib.request.urlopen(request, timeout=TIMEOUT) as reply:  # noqa: S310
        return reply.status


# Replaced in tests by a recorder: no test reaches the network.
transport: Callable[[str, str, dict, bytes | None], int] = _send


def purge_requests(tags: Iterable[str]) -> list[tuple[str, str, dict, bytes | None]]:
    """The HTTP requests that purge `tags` with the configured backend."""
    return [request for request, _count in _purges(tags)]


def _purges(tags: Iterable[str]) -> list[tuple[tuple[str, str, dict, bytes | None], int]]:
    """(request, how many tags it purges) for each request that purges `tags`."""
    name = backend()
    if name is None:
        return []
    conf = config()
    prefix = conf.get("TAG_PREFIX", "")
    # The tags every change purges go in the first batch: answers whose tag header fell back
    # to them depend on it most.
    tags = sorted(
        (prefix + tag for tag in set(tags)),
        key=lambda tag: (tag[len(prefix) :] not in EVERY_CHANGE, tag),
    )
    size = BATCH[name]
    batches = [tags[i : i + size] for i in range(0, len(tags), size)]
    found = []
    for batch in batches:
        if name == "fastly":
            url = f"https://api.fastly.com/service/{conf['SERVICE_ID']}/purge"
            headers = {"Fastly-Key": conf["API_TOKEN"], "Surrogate-Key": " ".join(batch)}
            found.append((("POST", url, headers, None), len(batch)))
        elif name == "cloudflare":
            url = f"https://api.cloudflare.com/client/v4/zones/{conf['ZONE_ID']}/purge_cache"
            headers = {
                "Authorization": f"Bearer {conf['API_TOKEN']}",
                "Content-Type": "application/json",
            }
            body = json.dumps({"tags": batch}).encode()
            found.append((("POST", url, headers, body), len(batch)))
        else:
            for url in conf["URLS"]:
                found.append((("PURGE", url, {"xkey-purge": " ".join(batch)}, None), len(batch)))
    return found


def _unreachable(exc: Exception) -> bool:
    """Refused, timed out, reset: not an answer (an error status, say a 429 or a batch the API
    refused, is one; the next batch may fare better)."""
    if isinstance(exc, urllib.error.HTTPError):
        return False
    return isinstance(exc, (OSError, urllib.error.URLError))


def purge_tags(tags: Iterable[str]) -> None:
    """Ask the CDN to drop every response tagged with any of `tags`.

    An address found unreachable (refused, timed out) is not asked again in this purge: a CDN
    API that hangs costs the publish one TIMEOUT per address, not one per batch. What it was
    not asked to purge is logged; those answers expire by `s-maxage`."""
    purges = _purges(tags)
    unreachable: set[str] = set()
    for index, ((method, url, headers, body), count) in enumerate(purges):
        if url in unreachable:
            continue
        try:
            transport(method, url, headers, body)
        except Exception as exc:  # noqa: BLE001 - a CDN outage must not fail a publish
            if _unreachable(exc):
                unreachable.add(url)
                count = sum(n for (_m, other, *_rest), n in purges[index:] if other == url)
            logger.exception("CDN purge by tag failed (%s): %d tags not purged", url, count)
