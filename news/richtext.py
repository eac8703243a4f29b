"""Rich text as the API delivers it: internal links expanded to public URLs, then sanitised.

Sanitising on the way out (not only in the editor) matters because text also arrives through
imports and the ORM, where the editor's whitelist never ran.
"""

from urllib.parse import urlsplit

import nh3
from django.utils.html import escape
from wagtail.rich_text import RichText, features
from wagtail.rich_text.rewriters import (
    FIND_A_TAG,
    FIND_EMBED_TAG,
    EmbedRewriter,
    LinkRewriter,
    MultiRuleRewriter,
    extract_attrs,
)

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


def page_link_ids(source: str) -> set[int]:
    """Ids of the pages that internal links in stored rich text point to."""
    ids = set()
    if "linktype" not in source:
        return ids
    for match in FIND_A_TAG.finditer(source):
        attrs = extract_attrs(match.group(1))
        if attrs.get("linktype") == "page":
            try:
                ids.add(int(attrs.get("id", "")))
            except ValueError:
                continue
    return ids


def expand_links(source: str, page_urls: dict[int, str | None]) -> str:
    """Like Wagtail's expand_db_html, with page links resolved from `page_urls` (page id ->
    public path, None when the page is not live and public): no query per paragraph, and a
    link to a draft or private page keeps its text but loses its href."""

    def page_rule(attrs_list):
        out = []
        for attrs in attrs_list:
            try:
                url = page_urls.get(int(attrs.get("id", "")))
            except ValueError:
                url = None
            out.append(f'<a href="{escape(url)}">' if url else "<a>")
        return out

    link_rules = features.get_link_types()
    bulk_rules = {name: h.expand_db_attributes_many for name, h in link_rules.items()}
    bulk_rules["page"] = page_rule
    embed_rules = features.get_embed_types()
    rewriter = MultiRuleRewriter(
        [
            LinkRewriter(bulk_rules=bulk_rules),
            EmbedRewriter(
                bulk_rules={n: h.expand_db_attributes_many for n, h in embed_rules.items()}
            ),
        ]
    )
    return rewriter(source)


class StoredHtml:
    """A rich-text value whose public HTML was computed when its render was stored
    (news.renders): the request's own links and sanitising already ran on it."""

    __slots__ = ("html",)

    def __init__(self, html: str):
        self.html = html


def render_rich_text(value: RichText | str | StoredHtml | None, *, info) -> str:
    if value is None:
        return ""
    if isinstance(value, StoredHtml):
        return value.html
    source = value.source if isinstance(value, RichText) else str(value)
    if not source:
        return ""
    # <embed> tags are dropped before expansion: their output (iframe, img) is stripped by the
    # sanitiser anyway, and expanding them would fetch oEmbed or render images mid-request.
    source = FIND_EMBED_TAG.sub("", source)
    from news.selectors import page_urls_for_links

    # Filled for a whole batch of articles by prepare_articles; looked up here otherwise.
    urls = page_urls_for_links(page_link_ids(source), info)
    return sanitise_html(expand_links(source, urls))


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
