"""Reading an article's body in batches: which images, pages and links its blocks refer to, and
its blocks rebuilt from objects the request loader fetched once for every article.

Wagtail converts each block on its own (one query per chooser block type and article); here the
stored JSON is read through `StreamValue.raw_data` and each StructBlock value is rebuilt with
its declared `value_class`, both public Wagtail APIs.
"""

from __future__ import annotations

from functools import cache

from wagtail.blocks import PageChooserBlock, RichTextBlock, StreamValue, StructBlock
from wagtail.images.blocks import ImageChooserBlock

from news.models import ArticlePage
from news.richtext import page_link_ids


@cache
def chooser_children() -> dict[str, dict[str, str]]:
    """Body block types whose StructBlock children choose images or pages, or hold rich text
    (whose links point at pages): {block type: {child: "image" | "page" | "richtext"}}."""
    found = {}
    for name, block in ArticlePage.body.field.stream_block.child_blocks.items():
        if not isinstance(block, StructBlock):
            continue
        kinds = {}
        for child_name, child in block.child_blocks.items():
            if isinstance(child, ImageChooserBlock):
                kinds[child_name] = "image"
            elif isinstance(child, PageChooserBlock):
                kinds[child_name] = "page"
            elif isinstance(child, RichTextBlock):
                kinds[child_name] = "richtext"
        if kinds:
            found[name] = kinds
    return found


def as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def references(body: StreamValue) -> tuple[set, set, set]:
    """(image ids, page ids, ids of pages linked from rich text) the body refers to."""
    image_ids, page_ids, link_ids = set(), set(), set()
    choosers = chooser_children()
    for item in body.raw_data:
        kinds = choosers.get(item.get("type"))
        value = item.get("value")
        if not kinds or not isinstance(value, dict):
            continue
        for child, kind in kinds.items():
            if kind == "image":
                pk = as_int(value.get(child))
                if pk:
                    image_ids.add(pk)
            elif kind == "page":
                pk = as_int(value.get(child))
                if pk:
                    page_ids.add(pk)
            elif isinstance(value.get(child), str):
                link_ids.update(page_link_ids(value[child]))
    return image_ids, page_ids, link_ids


def decoded_children(
    body: StreamValue, *, images: dict, pages: dict, stored: list | None = None,
    stored_values=None,
) -> list | None:  # fmt: skip
    """The body's blocks, with chooser values taken from `images` and `pages` (id -> object or
    None) instead of being fetched block by block.

    `stored` (news.renders): one entry per block, {child: stored data} for its rich-text and
    chooser children, which `stored_values(kind, data)` turns into values; None when it does
    not match the body's blocks."""
    stream_block = body.stream_block
    choosers = chooser_children()
    children = []
    for item in body.raw_data:
        block = stream_block.child_blocks.get(item.get("type"))
        if block is None:
            continue
        value = item.get("value")
        kinds = choosers.get(block.name)
        entry = None
        if stored is not None:
            if len(children) >= len(stored):
                return None
            entry = stored[len(children)]
        if kinds and isinstance(value, dict):
            parts = []
            for name, child in block.child_blocks.items():
                if name not in value:
                    parts.append((name, child.get_default()))
                elif entry is not None and name in entry:
                    parts.append((name, stored_values(kinds[name], entry[name])))
                elif stored is not None and name in kinds:
                    return None
                elif kinds.get(name) == "image":
                    parts.append((name, images.get(as_int(value[name]))))
                elif kinds.get(name) == "page":
                    parts.append((name, pages.get(as_int(value[name]))))
                else:
                    parts.append((name, child.to_python(value[name])))
            native = block.meta.value_class(block, parts)
        else:
            native = block.to_python(value)
        children.append(StreamValue.StreamChild(block, native, id=item.get("id")))
    if stored is not None and len(children) != len(stored):
        return None
    return children
