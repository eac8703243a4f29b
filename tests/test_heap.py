"""The serving process's garbage collector: the loaded app frozen, young objects collected less
often (cms/heap.py), in every gunicorn worker."""

import gc

import pytest

from cms import heap
from tests.processes import gunicorn_config


@pytest.fixture
def restored_gc():
    """settle() changes the whole process: give the rest of the suite its collector back."""
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


def test_settle_freezes_the_loaded_app_and_raises_the_young_threshold(restored_gc, monkeypatch):
    monkeypatch.delenv("KIOSQUE_GC_THRESHOLDS", raising=False)
    heap.settle()
    assert gc.get_freeze_count() > 10_000  # Django, Wagtail and the schema, at least
    assert gc.get_threshold() == heap.DEFAULT_THRESHOLDS
    # Objects made afterwards are still collected: a cycle does not outlive a full collection.
    cycle = []
    cycle.append(cycle)
    marker = id(cycle)
    del cycle
    gc.collect()
    assert all(id(obj) != marker for obj in gc.get_objects())


def test_thresholds_come_from_the_environment(restored_gc, monkeypatch):
    monkeypatch.setenv("KIOSQUE_GC_THRESHOLDS", "10000,5,7")
    heap.settle()
    assert gc.get_threshold() == (10000, 5, 7)


@pytest.mark.parametrize("raw", ["10000,5", "0,1,1", "a,b,c"])
def test_a_bad_threshold_setting_is_refused_before_anything_changes(restored_gc, monkeypatch,
                                                                    raw):  # fmt: skip
    monkeypatch.setenv("KIOSQUE_GC_THRESHOLDS", raw)
    before = gc.get_threshold()
    with pytest.raises(ValueError, match="KIOSQUE_GC_THRESHOLDS|invalid literal"):
        heap.settle()
    assert gc.get_threshold() == before


def test_each_gunicorn_worker_settles_its_heap(restored_gc, monkeypatch):
    called = []
    monkeypatch.setattr(heap, "settle", lambda **kwargs: called.append(kwargs))
    cfg = gunicorn_config(monkeypatch)
    assert cfg.preload_app  # the app is loaded before the fork: there is something to freeze
    cfg.post_fork(None, None)
    assert called == [{"freeze": True}]
