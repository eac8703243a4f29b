"""Rich text as the API delivers it: internal links expanded to public URLs, then sanitised.

Sanitising on the way out (not only in the editor) matters because text also arrives through
imports and the ORM, where the editor's whitelist never ran.
"""

import nh3
from wagtail.models import Page
from wagtail.rich_text import RichText, expand_db_html
from wagtail.rich_text.rewriters import FIND_A_TAG, FIND_EMBED_TAG, extract_attrs

ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "i", "li", "ol", "p", "strong",
    "sub", "sup", "ul", "mark",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def render_rich_text(value: RichText | str | None, *, info=None) -> str:
    if value is None:
        return ""
    source = value.source if isinstance(value, RichText) else str(value)
    if not source:
        return ""
    # <embed> tags are dropped before expansion: their output (iframe, img) is stripped by the
    # sanitiser anyway, and expanding them would fetch oEmbed or render images mid-request.
    source = FIND_EMBED_TAG.sub("", source)
    return sanitise_html(expand_db_html(_unlink_non_public_pages(source)))


def _unlink_non_public_pages(source: str) -> str:
    """Turn links to draft, unpublished or restricted pages into bare <a>: Wagtail's own
    expansion gives every page's URL, which would reveal unpublished slugs."""
    if 'linktype="page"' not in source:
        return source
    ids = set()
    for match in FIND_A_TAG.finditer(source):
        attrs = extract_attrs(match.group(1))
        if attrs.get("linktype") == "page" and attrs.get("id", "").isdigit():
            ids.add(int(attrs["id"]))
    public = set()
    if ids:
        public_ids = Page.objects.live().public().filter(pk__in=ids).values_list("pk", flat=True)
        public = {str(pk) for pk in public_ids}

    def replace(match):
        attrs = extract_attrs(match.group(1))
        if attrs.get("linktype") == "page" and attrs.get("id") not in public:
            return "<a>"
        return match.group(0)

    return FIND_A_TAG.sub(replace, source)


def plain_text(value: RichText | str | None) -> str:
    """Text without markup, for reading time and search excerpts."""
    if value is None:
        return ""
    source = value.source if isinstance(value, RichText) else str(value)
    return nh3.clean(source, tags=set())
