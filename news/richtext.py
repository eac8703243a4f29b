"""Rich text as the API delivers it: internal links expanded to public URLs, then sanitised.

Sanitising on the way out (not only in the editor) matters because text also arrives through
imports and the ORM, where the editor's whitelist never ran.
"""

from urllib.parse import urlsplit

import nh3
from wagtail.rich_text import RichText, expand_db_html

ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "i", "li", "ol", "p", "strong",
    "sub", "sup", "ul", "mark",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Plain URL fields (related links, embeds) end up in href and src attributes.
LINK_URL_SCHEMES = {"http", "https"}


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
    return sanitise_html(expand_db_html(source))


def plain_text(value: RichText | str | None) -> str:
    """Text without markup, for reading time and search excerpts."""
    if value is None:
        return ""
    source = value.source if isinstance(value, RichText) else str(value)
    return nh3.clean(source, tags=set())


def safe_url(url: str | None) -> str:
    """`url` if it is an absolute http(s) URL, else "" (stored URLs skip form validation)."""
    url = (url or "").strip()
    if not url or any(ord(ch) < 32 for ch in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in LINK_URL_SCHEMES or not parts.hostname:
        return ""
    return url
