"""GraphQL types shared by every content app: images with allow-listed renditions."""

import contextlib

import graphene

from cms.graphql.errors import client_error

# Renditions are made off the request path (cms.renditions); the API only reads them.
from cms.renditions import (  # noqa: F401  (rendition_specs is imported from here by apps)
    allowed_widths,
    default_image_spec,
    rendition_for,
    rendition_specs,
)


def rendition_url(rendition) -> str:
    """`full_url`, kept on the rendition: one image often appears many times in a response."""
    url = getattr(rendition, "_kiosque_full_url", None)
    if url is None:
        url = rendition.full_url
        with contextlib.suppress(AttributeError):  # OriginalFile is frozen; its URL is cheap
            rendition._kiosque_full_url = url
    return url


class ImageType(graphene.ObjectType):
    """An image as frontends need it: a sized default URL and a srcset over allowed widths only."""

    class Meta:
        name = "Image"

    url = graphene.String(required=True, description="Absolute URL of the default rendition.")
    width = graphene.Int(required=True)
    height = graphene.Int(required=True)
    alt = graphene.String(required=True)
    caption = graphene.String(required=True)
    credit = graphene.String(required=True)
    src_set = graphene.String(
        required=True,
        sizes=graphene.List(graphene.NonNull(graphene.Int)),
        description="`srcset` attribute value. Sizes must be among the allowed widths.",
    )

    # The resolved value is an ImageView (below), so the allow-list and absolute URLs live in one
    # place whatever model the image came from.
    @staticmethod
    def resolve_url(view, info):
        return rendition_url(view.default_rendition())

    @staticmethod
    def resolve_width(view, info):
        return view.default_rendition().width

    @staticmethod
    def resolve_height(view, info):
        return view.default_rendition().height

    @staticmethod
    def resolve_src_set(view, info, sizes=None):
        widths = allowed_widths()
        sizes = sizes or widths
        bad = [size for size in sizes if size not in widths]
        if bad:
            raise client_error(
                "BAD_ARGUMENT",
                f"srcSet sizes must be among {widths}; got {bad}.",
            )
        # Duplicates collapse here; a width not made yet falls back to a nearby rendition or the
        # original, and each candidate is listed once, with its real width.
        candidates = {}
        for size in sorted(set(sizes)):
            rendition = view.rendition(f"width-{size}")
            candidates[rendition_url(rendition)] = rendition.width
        return ", ".join(
            f"{url} {width}w" for url, width in sorted(candidates.items(), key=lambda c: c[1])
        )


class ImageView:
    """An image plus the editorial text that goes with it where it is used."""

    __slots__ = ("image", "alt", "caption", "credit", "_default")

    def __init__(self, image, *, alt: str = "", caption: str = "", credit: str = ""):
        self.image = image
        self.alt = alt or image.title
        self.caption = caption
        self.credit = credit
        self._default = None

    def default_rendition(self):
        if self._default is None:
            self._default = self.rendition(default_image_spec())
        return self._default

    def rendition(self, spec: str):
        if isinstance(self.image, StoredImage):
            return self.image.rendition(spec)
        return rendition_for(self.image, spec)


class StoredRendition:
    """A rendition as stored: its URL and size, nothing to read."""

    __slots__ = ("_kiosque_full_url", "width", "height")

    def __init__(self, url: str, width: int, height: int | None = None):
        self._kiosque_full_url = url
        self.width = width
        self.height = height


class StoredImage:
    """What ImageView reads of an image (its title and the renditions `rendition_for` picks
    for the default spec and every allowed width), kept as JSON-ready data so a stored page
    (news.renders) shows it without reading image or rendition rows. Stored data is versioned
    on the allowed widths, so a width it lacks is a KeyError, never a silent fallback."""

    __slots__ = ("title", "_default", "_widths")

    def __init__(self, data: dict):
        self.title = data["title"]
        self._default = StoredRendition(*data["default"])
        self._widths = {size: StoredRendition(url, width) for size, url, width in data["widths"]}

    @staticmethod
    def data_of(image) -> dict:
        default = rendition_for(image, default_image_spec())
        widths = []
        for size in allowed_widths():
            rendition = rendition_for(image, f"width-{size}")
            widths.append([size, rendition_url(rendition), rendition.width])
        return {
            "title": image.title,
            "default": [rendition_url(default), default.width, default.height],
            "widths": widths,
        }

    def rendition(self, spec: str):
        if spec == default_image_spec():
            return self._default
        return self._widths[int(spec.removeprefix("width-"))]
