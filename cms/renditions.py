"""Image renditions are made when an image is saved or a page published, never for a reader.

Writes: `generate_renditions` makes the allow-listed renditions an image still lacks. With
KIOSQUE_RENDITIONS=inline (the default) it runs after the commit of an image save or a page
publish, in that process; with KIOSQUE_RENDITIONS=worker the save does nothing and
`manage.py run_worker` makes what is missing (`generate_missing`).

Reads: `rendition_for` returns the exact rendition when it has been made, otherwise the nearest
one made so far, otherwise the original file. It never creates a rendition and never runs an
image library, so one anonymous request costs no image work (issue 11.5).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from wagtail.images import get_image_model

from cms import upstream

logger = logging.getLogger(__name__)


def allowed_widths() -> list[int]:
    return list(settings.KIOSQUE["IMAGE_WIDTHS"])


def default_image_spec() -> str:
    return f"max-{max(allowed_widths())}x{max(allowed_widths())}"


def rendition_specs() -> list[str]:
    """Every rendition the API may serve: made ahead of time, prefetched in one query."""
    return [default_image_spec(), *(f"width-{w}" for w in allowed_widths())]


def mode() -> str:
    return settings.KIOSQUE.get("RENDITIONS", "inline")


# --- reads (request path) ---------------------------------------------------------------


@dataclass(frozen=True)
class OriginalFile:
    """The uploaded file, served as is when no rendition fits yet."""

    url: str
    width: int
    height: int
    filter_spec: str = "original"

    @property
    def full_url(self) -> str:
        # Same rule as Wagtail's AbstractRendition.full_url.
        base = getattr(settings, "WAGTAILADMIN_BASE_URL", None)
        return base + self.url if base and self.url.startswith("/") else self.url


def _made_renditions(image) -> list:
    """Renditions already made: the prefetched ones, or one query per image when the caller
    did not prefetch (kept on the instance for the rest of the request)."""
    prefetched = upstream.prefetched_renditions(image)
    if prefetched is not None:
        return list(prefetched)
    made = getattr(image, "_kiosque_renditions", None)
    if made is None:
        made = image._kiosque_renditions = list(
            image.renditions.filter(filter_spec__in=rendition_specs())
        )
    return made


def _target_width(image, spec: str) -> int:
    if spec.startswith("width-"):
        return int(spec.removeprefix("width-"))
    if spec.startswith("max-"):
        box_w, box_h = (int(n) for n in spec.removeprefix("max-").split("x"))
        scale = min(box_w / max(image.width, 1), box_h / max(image.height, 1), 1)
        return round(image.width * scale)
    return image.width


def rendition_for(image, spec: str):
    """The rendition for `spec` if made, else the smallest made one at least as wide as it
    would be (the original file counts), else the widest available. No writes, no resizing."""
    specs = set(rendition_specs())
    made = [r for r in _made_renditions(image) if r.filter_spec in specs]
    for rendition in made:
        if rendition.filter_spec == spec:
            return rendition
    original = OriginalFile(url=image.file.url, width=image.width, height=image.height)
    candidates = sorted([*made, original], key=lambda r: r.width)
    target = _target_width(image, spec)
    wide_enough = [r for r in candidates if r.width >= target]
    return wide_enough[0] if wide_enough else candidates[-1]


# --- writes ----------------------------------------------------------------------------------


def generate_renditions(image) -> int:
    """Make every allow-listed rendition `image` lacks; returns how many were made. A broken
    or missing source file is logged and skipped: readers then get the original's URL."""
    specs = rendition_specs()
    made = set(
        image.renditions.filter(filter_spec__in=specs).values_list("filter_spec", flat=True)
    )
    missing = [spec for spec in specs if spec not in made]
    if not missing:
        return 0
    try:
        image.get_renditions(*missing)
    except Exception:
        logger.exception("Could not make renditions of image %s", image.pk)
        return 0
    # Answers (and stored renders) built meanwhile point at a fallback rendition.
    from cms.graphql.cache import invalidate

    invalidate(f"image:{image.pk}")
    return len(missing)


def generate_for_ids(image_ids: Iterable[int]) -> int:
    total = 0
    for image in get_image_model().objects.filter(pk__in=list(image_ids)).order_by("pk"):
        total += generate_renditions(image)
    return total


def images_missing_renditions():
    """Images with fewer made renditions than the allow-list has specs (new images, files
    replaced, widths added to the settings)."""
    specs = rendition_specs()
    return (
        get_image_model()
        .objects.annotate(
            made=Count(
                "renditions__filter_spec",
                filter=Q(renditions__filter_spec__in=specs),
                distinct=True,
            )
        )
        .filter(made__lt=len(specs))
        .order_by("pk")
    )


def generate_missing(*, limit: int = 50, skip: Iterable[int] = ()) -> tuple[int, list[int]]:
    """One worker pass: up to `limit` images. Returns (renditions made, ids still lacking some
    afterwards) so the caller can skip broken files on its next passes."""
    images = list(images_missing_renditions().exclude(pk__in=list(skip))[:limit])
    made = sum(generate_renditions(image) for image in images)
    still_missing = images_missing_renditions().filter(pk__in=[i.pk for i in images])
    return made, list(still_missing.values_list("pk", flat=True))


def schedule(image_ids: Iterable[int]) -> None:
    """After the current transaction commits, make the renditions inline (default mode); in
    worker mode leave them to `run_worker`, which finds them missing."""
    ids = sorted(set(image_ids))
    if ids and mode() == "inline":
        transaction.on_commit(partial(generate_for_ids, ids), robust=True)


def image_ids_used_by(page) -> list[int]:
    """Images a page refers to (choosers, StreamField blocks, rich-text embeds)."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    image_type = ContentType.objects.get_for_model(get_image_model())
    # Private Wagtail API: reads the references from the object itself, so the answer does not
    # wait for the reference index, which Wagtail may update later through its task queue.
    # tests/test_renditions_off_the_request.py fails if it changes.
    references = ReferenceIndex._extract_references_from_object(page)
    return sorted(
        {int(object_id) for type_id, object_id, *_ in references if type_id == image_type.pk}
    )


# --- signal handlers (call a service, nothing else) -------------------------------------------


def on_image_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule([instance.pk])


def on_page_published(sender, instance, **kwargs):
    schedule(image_ids_used_by(instance))


def connect_signals() -> None:
    from django.db.models.signals import post_save
    from wagtail.signals import page_published

    post_save.connect(on_image_saved, sender=get_image_model(), dispatch_uid="kiosque_renditions")
    page_published.connect(on_page_published, dispatch_uid="kiosque_renditions_publish")
