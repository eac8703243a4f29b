"""The page interface every public page type implements, and the trimming of grapple's types.

grapple builds each page type as a DjangoObjectType over the whole Wagtail Page model, so fields
such as draftTitle, path or lockedAt would be public. Kiosque publishes only the interface below
plus what each model lists in `graphql_fields`.
"""

import inspect

import graphene
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from grapple.registry import registry
from grapple.types.interfaces import StreamFieldInterface
from grapple.types.rich_text import RichText
from wagtail.fields import RichTextField

from cms.graphql.context import loader_of


class PublicPageInterface(graphene.Interface):
    class Meta:
        name = "PageInterface"
        description = "Fields every public page has."

    id = graphene.ID(required=True)
    title = graphene.String(required=True)
    slug = graphene.String(required=True)
    url = graphene.String(description="Path of the page on its site, e.g. /monde/un-article/.")
    url_path = graphene.String(required=True, description="Path relative to the site root.")
    page_type = graphene.String(required=True, description="`app.Model`, e.g. news.ArticlePage.")
    seo_title = graphene.String(required=True)
    search_description = graphene.String(required=True)
    last_published_at = graphene.DateTime()

    @classmethod
    def resolve_type(cls, instance, info, **kwargs):
        return registry.pages[type(instance)]

    @staticmethod
    def resolve_url(page, info):
        return page_path(page, info)

    @staticmethod
    def resolve_url_path(page, info):
        return page_path(page, info) or ""

    @staticmethod
    def resolve_page_type(page, info):
        return f"{page._meta.app_label}.{type(page).__name__}"

    @staticmethod
    def resolve_seo_title(page, info):
        return page.seo_title or page.title

    @staticmethod
    def resolve_search_description(page, info):
        return page.search_description or ""


def page_path(page, info) -> str | None:
    """The page's path on its site, computed from the request's cached site roots."""
    request = info.context if info is not None else None
    # Fast path: a page under the requesting site's root, whose url_path the loader read.
    loader = loader_of(request)
    root = loader.root_url_path if loader is not None else None
    if root and page.url_path.startswith(root):
        if loader.serve_prefix is None:
            loader.serve_prefix = reverse("wagtail_serve", args=("",))
        return loader.serve_prefix + page.url_path[len(root) :]
    parts = page.get_url_parts(request=request)
    if parts is None:
        return None
    return parts[2]


STREAM_INTERFACE_FIELDS = {"id", "block_type", "field"}


def _ours(obj) -> bool:
    # The project's own apps, as the settings list them: cms names no feature app.
    return getattr(obj, "__module__", "").split(".")[0] in settings.KIOSQUE_APPS


def restrict_registry() -> None:
    """Keep only Kiosque's own types in the schema, each trimmed to its declared fields.

    Dropped: grapple's generic Page type and built-in block, image, document and site types
    (they expose arbitrary renditions, `order` arguments and unfiltered page lists), the
    orderable plumbing types, and `rawValue` (it leaks unsanitised rich text).
    """
    interface_fields = set(PublicPageInterface._meta.fields)
    for model, node in list(registry.pages.items()):
        if not _ours(model):
            del registry.pages[model]
            continue
        _prune(node, interface_fields | _declared_field_names(model), id_resolver=_page_id)
        _use_direct_resolvers(model, node)
    for model, node in list(registry.snippets.items()):
        if not _ours(model):
            del registry.snippets[model]
            continue
        _prune(node, {"id", *_declared_field_names(model), "snippet_type", "content_type"})
        _use_direct_resolvers(model, node)
    for block, node in list(registry.streamfield_blocks.items()):
        if not _ours(block):
            del registry.streamfield_blocks[block]
            continue
        _prune(node, STREAM_INTERFACE_FIELDS | _declared_field_names(block), required_id=False)
    for name in ("documents", "images", "media", "collections", "django_models", "settings"):
        getattr(registry, name).clear()
    _prune(StreamFieldInterface, STREAM_INTERFACE_FIELDS, required_id=False)


def _direct_resolver(model, field):
    """A resolver doing only what grapple's generic one ends up doing for this field, decided
    once here instead of on every call (grapple's looks the source up, tests it for a manager,
    a callable and a rich-text field each time: ~2,000 calls in a page of 100 articles).
    None when the field needs grapple's handling (managers, rich text, `key`)."""
    source = field.field_source
    if getattr(field, "extract_key", None) or field.field_type is RichText:
        return None
    attribute = inspect.getattr_static(model, source, None)
    if inspect.isfunction(attribute):

        def call_source(instance, info, **kwargs):
            return getattr(instance, source)(info, **kwargs)

        return call_source
    try:
        model_field = model._meta.get_field(source)
    except FieldDoesNotExist:
        return None
    if model_field.is_relation or isinstance(model_field, RichTextField):
        return None

    def read_attribute(instance, info, **kwargs):
        return getattr(instance, source)

    return read_attribute


def _use_direct_resolvers(model, node) -> None:
    kept = getattr(node._meta, "fields", None) or {}
    for field in getattr(model, "graphql_fields", []):
        field = field() if callable(field) else field
        if field.field_name not in kept:
            continue
        resolver = _direct_resolver(model, field)
        if resolver is not None:
            setattr(node, f"resolve_{field.field_name}", staticmethod(resolver))


def _declared_field_names(model) -> set[str]:
    names = set()
    for field in getattr(model, "graphql_fields", []):
        field = field() if callable(field) else field
        names.add(field.field_name)
    return names


# The id of a page previewed before its first save: it has no primary key yet, and no page
# ever has this one.
UNSAVED_PAGE_ID = "0"


def _page_id(page, info) -> str:
    return str(page.pk) if page.pk is not None else UNSAVED_PAGE_ID


def _prune(node, keep: set[str], *, required_id: bool = True, id_resolver=None) -> None:
    fields = getattr(node._meta, "fields", None)
    if fields is None:
        return
    for name in list(fields):
        if name not in keep:
            del fields[name]
    if required_id and "id" in fields:
        # grapple declares ids nullable; every public object has one.
        fields["id"] = graphene.Field(graphene.NonNull(graphene.ID), resolver=id_resolver)
