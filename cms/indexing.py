"""Bulk writers (the demo loader, the WordPress import) index each new object once, afterwards."""

from contextlib import contextmanager

from django.db.models.signals import post_save
from wagtail.models import ReferenceIndex
from wagtail.search import index as search_index
from wagtail.search.backends import get_search_backends
from wagtail.search.signal_handlers import post_save_signal_handler
from wagtail.signal_handlers import disable_reference_index_auto_update


@contextmanager
def deferred_indexing():
    """Skip per-save search and reference indexing (a page is saved three times when it is
    created and published); the loader indexes each new object once afterwards."""
    models = [
        m for m in search_index.get_indexed_models() if getattr(m, "search_auto_update", True)
    ]
    disconnected = [m for m in models if post_save.disconnect(post_save_signal_handler, sender=m)]
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for model in disconnected:
            post_save.connect(post_save_signal_handler, sender=model)


def search_backends() -> list:
    """The backends a bulk writer indexes into: those Wagtail would update on save."""
    return list(get_search_backends(with_auto_update=True))


def index_objects(model, objects: list, backends: list) -> None:
    """What per-save indexing would have written for these saved `objects` of `model`: their
    search entries (one bulk call per backend) and their reference index rows."""
    if not objects:
        return
    if search_index.class_is_indexed(model):
        for backend in backends:
            backend.add_bulk(model, objects)
    if ReferenceIndex.is_indexed(model):
        for obj in objects:
            ReferenceIndex.create_or_update_for_object(obj)
