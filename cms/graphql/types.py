"""GraphQL types shared by every content app: images with allow-listed renditions."""

import graphene
from django.conf import settings

from cms.graphql.errors import client_error


def allowed_widths() -> list[int]:
    return list(settings.KIOSQUE["IMAGE_WIDTHS"])


def _rendition(image, spec: str):
    return image.get_rendition(spec)


def default_image_spec() -> str:
    return f"max-{max(allowed_widths())}x{max(allowed_widths())}"


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
        return view.default_rendition().full_url

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
        parts = []
        # Duplicates collapse here, so a long list cannot ask for more renditions than widths.
        for size in sorted(set(sizes)):
            rendition = view.image.get_rendition(f"width-{size}")
            parts.append(f"{rendition.full_url} {rendition.width}w")
        return ", ".join(parts)


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
            self._default = self.image.get_rendition(default_image_spec())
        return self._default


def rendition_specs() -> list[str]:
    """Every rendition the API may ask for; used to prefetch them in one query."""
    return [default_image_spec(), *(f"width-{w}" for w in allowed_widths())]
