"""One reference-index update per page save, not one per saved row.

Wagtail updates the reference index (the admin's "usage" counts) from `post_save` of every
tracked model, and a page's inline rows are tracked as part of their page: each saved row
re-reads all the page's references again, 15 times in one save for an article with 14 inline
rows (tests/test_reference_index.py). `one_reference_update` holds those back during the save
and updates the page once, through Wagtail's own task (so a real task queue defers it as
before).
"""

from __future__ import annotations

from contextlib import contextmanager

from cms import upstream


@contextmanager
def one_reference_update(instance):
    # Imported here: models import this module before the app registry is ready.
    from wagtail.signal_handlers import disable_reference_index_auto_update
    from wagtail.tasks import update_reference_index_task

    if upstream.reference_index_updates_held():
        # Someone above (a bulk import) holds updates back and will see to them.
        yield
        return
    with disable_reference_index_auto_update():
        yield
    update_reference_index_task.enqueue(
        instance._meta.app_label, instance._meta.model_name, str(instance.pk)
    )


class OneReferenceUpdateMixin:
    """For page models with inline rows: their save updates the reference index once."""

    def save(self, *args, **kwargs):
        with one_reference_update(self):
            return super().save(*args, **kwargs)
