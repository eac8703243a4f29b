"""gunicorn.conf.py's choices for tail latency: no worker recycling unless asked, the preloaded
app set aside from the garbage collector before the fork, the workers' collector thresholds
(cms/heap.py)."""

import gc

from cms import heap
from tests.processes import gunicorn_config


def _get(config, name):
    return config.settings[name].get()


def test_workers_are_not_recycled_unless_asked(monkeypatch):
    # A recycled worker loses its local-memory response cache and serves cold.
    assert _get(gunicorn_config(monkeypatch), "max_requests") == 0
    asked = gunicorn_config(monkeypatch, GUNICORN_MAX_REQUESTS="50000")
    assert _get(asked, "max_requests") == 50000


def test_the_preloaded_app_is_frozen_out_of_the_collector_before_workers_fork(monkeypatch):
    config = gunicorn_config(monkeypatch)
    assert _get(config, "preload_app") is True
    gc.unfreeze()
    try:
        _get(config, "when_ready")(None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    off = gunicorn_config(monkeypatch, GUNICORN_GC_FREEZE="0")
    _get(off, "when_ready")(None)
    assert gc.get_freeze_count() == 0


def test_worker_collector_thresholds_come_from_the_environment(monkeypatch):
    before = gc.get_threshold()
    try:
        config = gunicorn_config(monkeypatch, KIOSQUE_GC_THRESHOLDS="50000,20,100")
        _get(config, "post_fork")(None, None)
        assert gc.get_threshold() == (50000, 20, 100)
        gc.set_threshold(*before)
        gc.unfreeze()
        monkeypatch.delenv("KIOSQUE_GC_THRESHOLDS")
        _get(gunicorn_config(monkeypatch, GUNICORN_GC_FREEZE="0"), "post_fork")(None, None)
        assert gc.get_threshold() == heap.DEFAULT_THRESHOLDS
        assert gc.get_freeze_count() == 0  # GUNICORN_GC_FREEZE=0: nothing frozen in the worker
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
