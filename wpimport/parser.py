"""Streaming reader for WordPress WXR exports (1.1 and 1.2).

The file is read twice: `scan` checks the whole document and keeps a small index (ids, links,
slugs, attachments, authors, terms) so that nothing is written when the XML is broken and links to
posts later in the file can be resolved; `iter_posts` then yields one full post at a time. Both
use defusedxml's iterparse and drop each <item> once read, so memory does not grow with bodies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

# Namespaces are told apart by URI prefix: WXR 1.1 and 1.2 differ only in the version segment.
_PREFIXES = (
    ("http://wordpress.org/export/1.", "wp"),
    ("http://purl.org/rss/1.0/modules/content/", "content"),
    ("http://purl.org/dc/elements/1.1/", "dc"),
)


class ExportError(Exception):
    """The export cannot be imported at all (broken, dangerous or not a WXR file)."""


@dataclass
class Attachment:
    wp_id: int
    url: str
    file: str  # relative to wp-content/uploads, from _wp_attached_file
    title: str = ""
    alt: str = ""
    caption: str = ""
    credit: str = ""


@dataclass
class Post:
    wp_id: int
    post_type: str
    status: str
    title: str = ""
    link: str = ""
    slug: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    date: str = ""
    date_gmt: str = ""
    categories: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)
    tags: list[tuple[str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def thumbnail_id(self) -> int | None:
        value = self.meta.get("_thumbnail_id", "").strip()
        return int(value) if value.isdigit() else None


@dataclass
class PostRef:
    """What the scan keeps of a post: enough to resolve links to it and report on it."""

    wp_id: int
    post_type: str
    status: str
    slug: str
    path: str
    title: str


@dataclass
class ExportIndex:
    site_url: str = ""
    base_url: str = ""
    wxr_version: str = ""
    authors: dict[str, dict] = field(default_factory=dict)  # login -> names
    categories: dict[str, str] = field(default_factory=dict)  # slug -> name
    tags: dict[str, str] = field(default_factory=dict)
    posts: dict[int, PostRef] = field(default_factory=dict)
    attachments: dict[int, Attachment] = field(default_factory=dict)
    item_count: int = 0

    def attachment_for_url(self, url: str) -> Attachment | None:
        if not hasattr(self, "_by_file"):
            self._by_file = {a.file: a for a in self.attachments.values() if a.file}
        relative = upload_path(url)
        if relative is None:
            return None
        found = self._by_file.get(relative)
        if found is None:
            # Resized copies: photo-1024x683.jpg is photo.jpg's attachment.
            found = self._by_file.get(_SIZE_SUFFIX.sub(r"\2", relative))
        return found


_SIZE_SUFFIX = re.compile(r"-(\d+x\d+)(\.\w+)$")


def upload_path(url: str) -> str | None:
    """`2024/03/photo.jpg` for any URL under wp-content/uploads, else None."""
    path = unquote(urlsplit(url).path)
    marker = "/wp-content/uploads/"
    if marker not in path:
        return None
    return path.split(marker, 1)[1]


def _key(tag: str) -> str:
    if tag.startswith("{"):
        uri, local = tag[1:].split("}", 1)
        for prefix, name in _PREFIXES:
            if uri.startswith(prefix):
                # wp excerpt lives in .../excerpt/ : "excerpt:encoded"
                if name == "wp" and uri.rstrip("/").endswith("excerpt"):
                    return "excerpt:" + local
                return f"{name}:{local}"
        return local
    return tag


def _events(path):
    try:
        yield from iterparse(
            str(path), events=("start", "end"), forbid_dtd=False, forbid_entities=True,
            forbid_external=True,
        )  # fmt: skip
    except ParseError as exc:
        line, column = exc.position
        raise ExportError(
            f"XML mal formé ligne {line}, colonne {column} ({str(exc).split(':')[0]})."
        ) from exc
    except DefusedXmlException as exc:
        raise ExportError(
            f"XML refusé : entités ou références externes interdites ({exc})"
        ) from exc
    except OSError as exc:
        raise ExportError(f"Lecture impossible : {exc}") from exc


def _text(element) -> str:
    return (element.text or "").strip()


def _items(path, index: ExportIndex | None = None):
    """Yield each <item> element, complete, then drop it from the tree."""
    channel = None
    seen_rss = False
    depth = 0
    for event, element in _events(path):
        if event == "start":
            depth += 1
            if depth == 1:
                if _key(element.tag) != "rss":
                    raise ExportError("Ce fichier n'est pas un export WordPress (WXR).")
                seen_rss = True
            elif depth == 2 and _key(element.tag) == "channel":
                channel = element
            continue
        depth -= 1
        if channel is None or depth != 2:
            continue
        key = _key(element.tag)
        if key == "item":
            yield element
        elif index is not None:
            _channel_child(index, key, element)
        channel.remove(element)
    if not seen_rss or channel is None:
        raise ExportError("Ce fichier n'est pas un export WordPress (WXR) : pas de <channel>.")


def _channel_child(index: ExportIndex, key: str, element) -> None:
    if key == "link":
        index.site_url = index.site_url or _text(element)
    elif key == "wp:base_site_url":
        index.base_url = _text(element)
    elif key == "wp:wxr_version":
        index.wxr_version = _text(element)
    elif key == "wp:base_blog_url":
        index.site_url = _text(element) or index.site_url
    elif key == "wp:author":
        fields = {_key(child.tag): _text(child) for child in element}
        login = fields.get("wp:author_login", "")
        if login:
            index.authors[login] = {
                "display_name": fields.get("wp:author_display_name", ""),
                "first_name": fields.get("wp:author_first_name", ""),
                "last_name": fields.get("wp:author_last_name", ""),
                "login": login,
                "email": fields.get("wp:author_email", ""),
            }
    elif key == "wp:category":
        fields = {_key(child.tag): _text(child) for child in element}
        slug = fields.get("wp:category_nicename", "")
        if slug:
            index.categories[slug] = fields.get("wp:cat_name", "") or slug
    elif key == "wp:tag":
        fields = {_key(child.tag): _text(child) for child in element}
        slug = fields.get("wp:tag_slug", "")
        if slug:
            index.tags[slug] = fields.get("wp:tag_name", "") or slug


def _post(element) -> Post | None:
    values: dict[str, str] = {}
    categories, tags, meta = [], [], {}
    for child in element:
        key = _key(child.tag)
        if key == "category":
            pair = (child.get("nicename", "").strip(), _text(child))
            domain = child.get("domain")
            if domain == "category":
                categories.append(pair)
            elif domain == "post_tag":
                tags.append(pair)
        elif key == "wp:postmeta":
            fields = {_key(part.tag): part.text or "" for part in child}
            meta[fields.get("wp:meta_key", "")] = fields.get("wp:meta_value", "")
        else:
            values[key] = child.text or ""
    raw_id = values.get("wp:post_id", "").strip()
    if not raw_id.isdigit():
        return None
    return Post(
        wp_id=int(raw_id),
        post_type=values.get("wp:post_type", "").strip(),
        status=values.get("wp:status", "").strip(),
        title=values.get("title", "").strip(),
        link=values.get("link", "").strip(),
        slug=unquote(values.get("wp:post_name", "").strip()),
        guid=values.get("guid", "").strip(),
        creator=values.get("dc:creator", "").strip(),
        content=values.get("content:encoded", ""),
        excerpt=values.get("excerpt:encoded", ""),
        date=values.get("wp:post_date", "").strip(),
        date_gmt=values.get("wp:post_date_gmt", "").strip(),
        categories=categories,
        tags=tags,
        meta=meta,
    )


_CREDIT = re.compile(r's:6:"credit";s:\d+:"([^"]*)";')


def scan(path) -> ExportIndex:
    """Read the whole export once, writing nothing; raise ExportError if it cannot be used."""
    index = ExportIndex()
    for element in _items(path, index):
        index.item_count += 1
        post = _post(element)
        if post is None:
            continue
        if post.post_type == "attachment":
            index.attachments[post.wp_id] = Attachment(
                wp_id=post.wp_id,
                url=values_or(post.meta.get("_wp_attached_file"), ""),
                file=post.meta.get("_wp_attached_file", "").strip(),
                title=post.title,
                alt=post.meta.get("_wp_attachment_image_alt", "").strip(),
                caption=_strip_tags(post.excerpt).strip(),
                credit=_credit(post.meta.get("_wp_attachment_metadata", "")),
            )
            attachment_url = _text_of_child(element, "wp:attachment_url")
            if attachment_url:
                index.attachments[post.wp_id].url = attachment_url
        else:
            index.posts[post.wp_id] = PostRef(
                wp_id=post.wp_id, post_type=post.post_type, status=post.status,
                slug=post.slug, path=urlsplit(post.link).path, title=post.title,
            )  # fmt: skip
    if not index.site_url:
        raise ExportError("Export sans adresse de site (<link> ou <wp:base_blog_url>).")
    index.site_url = index.site_url.rstrip("/")
    return index


def iter_posts(path, wanted=None):
    """Yield the export's posts (not attachments) one by one, optionally only some ids."""
    for element in _items(path):
        post = _post(element)
        if post is None or post.post_type == "attachment":
            continue
        if wanted is not None and post.wp_id not in wanted:
            continue
        yield post


def values_or(value, default):
    return value if value else default


def _text_of_child(element, key: str) -> str:
    for child in element:
        if _key(child.tag) == key:
            return _text(child)
    return ""


def _credit(serialised: str) -> str:
    match = _CREDIT.search(serialised or "")
    return match.group(1).strip() if match else ""


_TAGS = re.compile(r"<[^>]+>")


def _strip_tags(html: str) -> str:
    return _TAGS.sub("", html or "")
