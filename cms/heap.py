"""The garbage collector set for a long-lived serving process.

A page of 100 articles with their nodes allocates a few hundred thousand container objects that
live until the answer is written. With CPython's default thresholds (700, 10, 10) they trigger
about twenty young collections and a full one every few requests, and each full collection walks
every object of the process, the ~250,000 of Django, Wagtail and the schema included: about a
sixth of the CPU time of such a request (timed with `gc.callbacks` on a change-feed page of 100
articles: some 30 ms of 200). So once the app is loaded:

- `gc.freeze()` moves what exists (modules, schema, settings: alive for the process's life) out
  of the collector's sight; with a preloaded gunicorn it also keeps those pages shared between
  workers, since the collector no longer writes to them;
- the youngest generation is collected every 50,000 allocations instead of 700, so a request's
  live objects are not walked again and again. Cycles are still collected, in bigger batches;
  the oldest generation keeps its default pace (10), and with the app frozen a full collection
  walks only what the process made since.

Called by gunicorn.conf.py in each worker, and by the in-process benchmarks so that they measure
the same process.
"""

from __future__ import annotations

import gc
import os

DEFAULT_THRESHOLDS = (50_000, 20, 10)


def thresholds() -> tuple[int, int, int]:
    """KIOSQUE_GC_THRESHOLDS="a,b,c" overrides the defaults (`gc.set_threshold`)."""
    raw = os.environ.get("KIOSQUE_GC_THRESHOLDS", "").strip()
    if not raw:
        return DEFAULT_THRESHOLDS
    values = tuple(int(part) for part in raw.split(","))
    if len(values) != 3 or min(values) < 1:
        raise ValueError("KIOSQUE_GC_THRESHOLDS needs three positive integers, e.g. 50000,20,10")
    return values


def settle(*, freeze: bool = True) -> None:
    """Collect once, freeze what is left, then collect young objects less often."""
    values = thresholds()  # a bad setting refused before anything changes
    if freeze:
        gc.collect()
        gc.freeze()
    gc.set_threshold(*values)
