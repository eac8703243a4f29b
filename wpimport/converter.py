"""WordPress post HTML (classic editor or Gutenberg) -> the article body blocks of news.blocks.

Pure functions: nothing here touches the database. Links and images are resolved through
callbacks supplied by the service, so the same conversion runs for a real import and a dry run.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from news.embeds import provider_for_url
from news.richtext import safe_url

# Block-level tags, as wpautop knows them.
_BLOCK = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|"
    "area|blockquote|address|math|p|h[1-6]|hr|fieldset|legend|section|article|aside|"
    "hgroup|header|footer|nav|figure|figcaption|details|menu|summary"
)
_OPEN_BLOCK = re.compile(rf"(<(?:{_BLOCK})[\s/>])", re.IGNORECASE)
_CLOSE_BLOCK = re.compile(rf"(</(?:{_BLOCK})>)", re.IGNORECASE)
_STARTS_BLOCK = re.compile(rf"^</?(?:{_BLOCK})[\s/>]", re.IGNORECASE)
_TRAILING_CLOSE = re.compile(rf"((?:</(?:{_BLOCK})>\s*)+)$", re.IGNORECASE)

# Shortcodes and markup that are site furniture, never article text.
_WIDGET_WORDS = (
    "newsletter", "subscribe", "subscription", "abonn", "inscription", "mc4wp", "mailpoet",
    "mailchimp", "sibwp", "share", "sharing", "sharedaddy", "addtoany", "ssba", "social",
    "jp-relatedposts", "related-posts", "contact-form", "gravityform", "wpforms", "ad-slot",
    "advert", "publicite",
)  # fmt: skip
_DROPPED_TAGS = {"script", "style", "form", "noscript", "button", "input", "select", "textarea",
                 "svg", "nav", "aside"}  # fmt: skip
_INLINE_MAP = {"strong": "b", "b": "b", "em": "i", "i": "i", "sup": "sup", "sub": "sub"}

_SHORTCODE_NAME = r"[a-zA-Z_][\w-]*"
_CAPTION = re.compile(r"\[(?:wp_)?caption([^\]]*)\](.*?)\[/(?:wp_)?caption\]", re.S | re.I)
_EMBED_SC = re.compile(r"\[embed[^\]]*\]\s*(\S+?)\s*\[/embed\]", re.I)
_VIDEO_SC = re.compile(r"\[(?:youtube|vimeo|tweet|dailymotion)(?:\s+|=)([^\]\s]+)[^\]]*\]", re.I)
_ENCLOSING = re.compile(rf"\[({_SHORTCODE_NAME})(\s[^\]]*)?\](.*?)\[/\1\]", re.S)
# A lone tag with attributes or a closing slash: `[newsletter id="3"]`, `[gallery ids="1,2"]`,
# `[sharebar/]`. A bare `[word]` is left alone: it is as likely to be "[sic]" as a shortcode.
_SELF_CLOSING = re.compile(rf"\[({_SHORTCODE_NAME})(?:\s+[^\]]*|\s*/)\]")
_BARE_WIDGET = re.compile(rf"\[({_SHORTCODE_NAME})\]")

_LIRE_AUSSI = re.compile(r"^\s*(?:[àa]\s+)?lire\s+aussi\s*[:：]?\s*", re.IGNORECASE)
_ASCII_SPACE = re.compile(r"[ \t\r\n]+")
_QUOTE_MARKS = '«»"“”„ \u00a0\u202f'

STANDFIRST_MAX = 320


@dataclass
class LinkTarget:
    """An imported post a link points to; page_id is None until that page exists."""

    wp_id: int
    page_id: int | None
    title: str = ""


@dataclass
class Converted:
    blocks: list[dict] = field(default_factory=list)  # raw StreamField data
    related: list[dict] = field(default_factory=list)  # {"target": LinkTarget|None, url, title}
    standfirst_from_body: str = ""
    pending_links: bool = False  # a link to a post whose page does not exist yet


LinkResolver = Callable[[str], "LinkTarget | None"]
ImageResolver = Callable[[str, "int | None"], "dict | None"]


def is_gutenberg(html: str) -> bool:
    return "<!-- wp:" in html


def is_widget_name(name: str) -> bool:
    name = name.lower()
    return any(word in name for word in _WIDGET_WORDS)


def strip_shortcodes(html: str) -> str:
    """Captions become figures, embeds become embed figures, widgets vanish, and every other
    shortcode is removed with its inner content kept."""

    def caption(match):
        attrs, inner = match.group(1), match.group(2)
        attachment = re.search(r'id="?attachment_(\d+)', attrs)
        img = re.search(r"<img[^>]*>", inner, re.I)
        if not img:
            return inner
        link = re.search(r"<a\b[^>]*>\s*<img[^>]*>\s*</a>", inner, re.I | re.S)
        text = inner.replace(link.group(0) if link else img.group(0), "", 1).strip()
        data = f' data-attachment="{attachment.group(1)}"' if attachment else ""
        return f"\n\n<figure{data}>{img.group(0)}<figcaption>{text}</figcaption></figure>\n\n"

    def embed(match):
        url = escape(match.group(1))
        return f'\n\n<figure class="wp-block-embed"><div>{url}</div></figure>\n\n'

    def enclosing(match):
        return "" if is_widget_name(match.group(1)) else match.group(3)

    html = _CAPTION.sub(caption, html)
    html = _EMBED_SC.sub(embed, html)
    html = _VIDEO_SC.sub(embed, html)
    previous = None
    while previous != html:  # nested shortcodes unwrap from the outside in
        previous = html
        html = _ENCLOSING.sub(enclosing, html)
    html = _SELF_CLOSING.sub("", html)
    return _BARE_WIDGET.sub(lambda m: "" if is_widget_name(m.group(1)) else m.group(0), html)


def autop(text: str) -> str:
    """What WordPress's wpautop does to classic-editor posts at display time, in short: blank
    lines separate paragraphs, single newlines are line breaks, block tags are left alone."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _OPEN_BLOCK.sub(r"\n\n\1", text)
    text = _CLOSE_BLOCK.sub(r"\1\n\n", text)
    out = []
    for chunk in re.split(r"\n[ \t]*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _STARTS_BLOCK.match(chunk):
            out.append(chunk)
            continue
        closing = _TRAILING_CLOSE.search(chunk)
        tail = closing.group(1) if closing else ""
        body = chunk[: len(chunk) - len(tail)].strip()
        if body:
            out.append("<p>" + body.replace("\n", "<br/>\n") + "</p>" + tail)
        elif tail:
            out.append(tail)
    return "\n".join(out)


def _classes(tag: Tag) -> str:
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = [classes]
    return " ".join([*classes, tag.get("id") or ""]).lower()


def _is_widget(tag: Tag) -> bool:
    if tag.name in _DROPPED_TAGS:
        return True
    if not tag.get("class") and not tag.get("id"):
        return False
    classes = _classes(tag)
    return any(w in classes for w in _WIDGET_WORDS)


def _text(tag) -> str:
    return _ASCII_SPACE.sub(" ", tag.get_text()).strip()


def _embed_url(url: str) -> str:
    url = safe_url(url)
    if not url:
        return ""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    if host in ("youtube.com", "youtube-nocookie.com") and parts.path.startswith("/embed/"):
        return "https://www.youtube.com/watch?v=" + parts.path.split("/")[2]
    if host == "player.vimeo.com" and parts.path.startswith("/video/"):
        return "https://vimeo.com/" + parts.path.split("/")[2]
    return url


class _Builder:
    def __init__(self, resolve_link: LinkResolver, resolve_image: ImageResolver):
        self.resolve_link = resolve_link
        self.resolve_image = resolve_image
        self.out = Converted()
        self.inline_buffer: list = []

    # Rich text -------------------------------------------------------------------------

    def inline(self, node) -> str:
        parts = []
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                parts.append(escape(_ASCII_SPACE.sub(" ", str(child)), quote=False))
            elif isinstance(child, Tag):
                parts.append(self.inline_tag(child))
        return "".join(parts)

    def inline_tag(self, tag: Tag) -> str:
        if tag.name == "br":
            return "<br/>"
        if tag.name in _DROPPED_TAGS or tag.name in ("img", "iframe") or _is_widget(tag):
            return ""
        inner = self.inline(tag)
        if tag.name in _INLINE_MAP:
            name = _INLINE_MAP[tag.name]
            return f"<{name}>{inner}</{name}>" if inner.strip() else inner
        if tag.name == "a":
            return self.link(tag.get("href") or "", inner)
        return inner

    def link(self, href: str, inner: str) -> str:
        href = href.strip()
        target = self.resolve_link(href) if href else None
        if target is not None:
            if target.page_id is not None:
                return f'<a linktype="page" id="{target.page_id}">{inner}</a>'
            self.out.pending_links = True
        scheme = urlsplit(href).scheme.lower() if href else ""
        if href and scheme in ("http", "https", "mailto", "tel"):
            return f'<a href="{escape(href)}">{inner}</a>'
        return inner

    def rich(self, html: str) -> str:
        html = html.strip()
        # Whitespace around <br/> and at the edges is layout, not content.
        html = re.sub(r"[ \t\r\n]*<br/>[ \t\r\n]*", "<br/>", html)
        html = re.sub(r"^(?:<br/>)+|(?:<br/>)+$", "", html).strip()
        return html

    # Blocks ----------------------------------------------------------------------------

    def add(self, block_type: str, value: dict) -> None:
        self.out.blocks.append({"type": block_type, "value": value})

    def paragraph_html(self, html: str) -> None:
        html = self.rich(html)
        if re.sub(r"<[^>]+>", "", html).strip(" \u00a0\u202f\t\n"):
            self.add("paragraph", {"text": f"<p>{html}</p>"})

    def flush_inline(self) -> None:
        if self.inline_buffer:
            wrapper = BeautifulSoup("<p></p>", "html.parser").p
            for node in self.inline_buffer:
                wrapper.append(node.extract() if isinstance(node, Tag) else str(node))
            self.inline_buffer = []
            self.p(wrapper)

    def walk(self, nodes) -> None:
        for node in list(nodes):
            if isinstance(node, Comment):
                continue
            if isinstance(node, NavigableString):
                if str(node).strip():
                    self.inline_buffer.append(str(node))
                continue
            if not isinstance(node, Tag):
                continue
            if node.name in (*_INLINE_MAP, "a", "span", "br", "code", "abbr", "u", "mark"):
                if not _is_widget(node):
                    self.inline_buffer.append(node)
                continue
            self.flush_inline()
            self.block(node)
        self.flush_inline()

    def block(self, tag: Tag) -> None:
        name = tag.name
        if _is_widget(tag) or name == "hr":
            return
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading(tag)
        elif name == "p":
            self.p(tag)
        elif name == "blockquote":
            self.blockquote(tag)
        elif name == "figure":
            self.figure(tag)
        elif name == "img":
            self.image(tag, None, tag.get("data-attachment"))
        elif name == "iframe":
            self.embed(tag.get("src") or "", "")
        elif name in ("ul", "ol"):
            lis = tag.find_all("li", recursive=False)
            items = "".join(f"<li>{self.rich(self.inline(li))}</li>" for li in lis)
            if items:
                self.add("paragraph", {"text": f"<{name}>{items}</{name}>"})
        elif name == "table":
            self.table(tag)
        elif name == "pre":
            self.paragraph_html(escape(tag.get_text(), quote=False).replace("\n", "<br/>"))
        else:
            self.walk(tag.children)

    def heading(self, tag: Tag) -> None:
        text = _text(tag)
        if not text:
            return
        if len(text) > 255:
            self.paragraph_html(f"<b>{escape(text, quote=False)}</b>")
            return
        level = "h2" if tag.name in ("h1", "h2") else "h3"
        self.add("heading", {"text": text, "level": level})

    def p(self, tag: Tag) -> None:
        if _is_widget(tag):
            return
        images = tag.find_all("img")
        iframe = tag.find("iframe")
        text = _text(tag)
        for img in images:
            self.image(img, None, None)
        if iframe is not None:
            self.embed(iframe.get("src") or "", "")
        if not text:
            return
        # A URL alone on its line: WordPress turns it into an embed (oEmbed).
        if re.fullmatch(r"https?://\S+", text) and provider_for_url(text) != "other":
            self.embed(text, "")
            return
        match = _LIRE_AUSSI.match(text)
        links = tag.find_all("a")
        if match and len(links) == 1 and _text(links[0]):
            self.add("_lire_aussi", {"href": links[0].get("href") or "", "title": _text(links[0]),
                                     "html": self.inline(tag)})  # fmt: skip
            return
        self.paragraph_html(self.inline(tag))

    def blockquote(self, tag: Tag) -> None:
        classes = _classes(tag)
        if "twitter-tweet" in classes or "instagram-media" in classes:
            links = [a.get("href") for a in tag.find_all("a") if a.get("href")]
            if links:
                self.embed(links[-1], "")
            return
        cite_tag = tag.find(["cite", "footer"])
        cite = _text(cite_tag) if cite_tag else ""
        if cite_tag:
            cite_tag.extract()
        for br in tag.find_all("br"):
            br.replace_with("\n")
        parts = tag.find_all("p") or [tag]
        lines = [_ASCII_SPACE.sub(" ", line).strip()
                 for part in parts for line in part.get_text().split("\n")]  # fmt: skip
        lines = [line for line in lines if line]
        if not cite and len(lines) > 1 and lines[-1][:1] in "—–-":
            cite = lines.pop()
        text = "\n".join(lines)
        if not text:
            return
        if text[:1] == "«" and text.rstrip()[-1:] == "»":
            text = text.strip(_QUOTE_MARKS)
        cite = cite.lstrip("—–- \u00a0")
        attribution, _, role = cite.partition(",")
        self.add("pull_quote", {"text": text, "attribution": attribution.strip()[:255],
                                "attribution_role": role.strip()[:255]})  # fmt: skip

    def figure(self, tag: Tag) -> None:
        caption_tag = tag.find("figcaption")
        caption = _text(caption_tag) if caption_tag else ""
        if tag.find("blockquote"):
            self.blockquote(tag.find("blockquote"))
            return
        classes = _classes(tag)
        iframe = tag.find("iframe")
        if "wp-block-embed" in classes or iframe is not None:
            url = iframe.get("src") if iframe is not None else ""
            if not url:
                if caption_tag:
                    caption_tag.extract()
                url = _text(tag)
            self.embed(url or "", caption)
            return
        img = tag.find("img")
        if img is not None:
            self.image(img, caption, tag.get("data-attachment"))
            return
        self.walk(tag.children)

    def image(self, img: Tag, caption: str | None, attachment_hint) -> None:
        src = img.get("src") or ""
        attachment_id = None
        if attachment_hint and str(attachment_hint).isdigit():
            attachment_id = int(attachment_hint)
        else:
            match = re.search(r"wp-image-(\d+)", " ".join(img.get("class") or []))
            attachment_id = int(match.group(1)) if match else None
        found = self.resolve_image(src, attachment_id)
        if found is None:
            return
        self.add("image", {
            "image": found["image"],
            "caption": (caption or found.get("caption") or "")[:500],
            "credit": (found.get("credit") or "")[:255],
            "alt": (img.get("alt") or found.get("alt") or "").strip()[:255],
        })  # fmt: skip

    def embed(self, url: str, caption: str) -> None:
        url = _embed_url(url)
        if url:
            self.add("embed", {"url": url, "caption": caption[:500]})

    def table(self, tag: Tag) -> None:
        # Rich text has no tables: one line per row, cells separated by " | ".
        rows = []
        for tr in tag.find_all("tr"):
            cells = [self.rich(self.inline(cell)) for cell in tr.find_all(["td", "th"])]
            if any(cells):
                rows.append(" | ".join(cells))
        if rows:
            self.paragraph_html("<br/>".join(rows))


def convert(html: str, *, resolve_link: LinkResolver, resolve_image: ImageResolver) -> Converted:
    """Convert one post's content. Trailing "Lire aussi" paragraphs become related links; one in
    the middle of the text becomes an inline "Lire aussi" block when its target was imported."""
    html = strip_shortcodes(html or "")
    if not is_gutenberg(html):
        html = autop(html)
    soup = BeautifulSoup(html, "html.parser")
    builder = _Builder(resolve_link, resolve_image)
    builder.walk(soup.children)
    blocks = builder.out.blocks
    trailing = len(blocks)
    while trailing and blocks[trailing - 1]["type"] == "_lire_aussi":
        trailing -= 1
    final = []
    for position, block in enumerate(blocks):
        if block["type"] != "_lire_aussi":
            final.append(block)
            continue
        value = block["value"]
        target = resolve_link(value["href"]) if value["href"] else None
        if position >= trailing:
            builder.out.related.append({"target": target, "url": value["href"],
                                        "title": value["title"]})  # fmt: skip
            if target is not None and target.page_id is None:
                builder.out.pending_links = True
        elif target is not None and target.page_id is not None:
            final.append({"type": "related", "value": {"page": target.page_id, "label": ""}})
        else:
            if target is not None:
                builder.out.pending_links = True
            builder.paragraph_html(value["html"])
            final.append(builder.out.blocks.pop())
    builder.out.blocks = final
    return builder.out


def query_post_id(url: str) -> int | None:
    """The id in `?p=123` (or page_id=, attachment_id=) links."""
    query = parse_qs(urlsplit(url).query)
    for key in ("p", "page_id"):
        values = query.get(key)
        if values and values[0].isdigit():
            return int(values[0])
    return None


def plain(html: str) -> str:
    """Text of an excerpt or paragraph, tags removed, entities decoded, spaces collapsed."""
    return _ASCII_SPACE.sub(" ", BeautifulSoup(html or "", "html.parser").get_text()).strip()


def standfirst_rule(blocks: list[dict]) -> tuple[str, list[dict]]:
    """No excerpt: the first text paragraph gives the standfirst. When it opens the body and has
    at most STANDFIRST_MAX characters it moves out of the body; otherwise it is copied, cut at a
    word boundary, and stays where it is."""
    for index, block in enumerate(blocks):
        if block["type"] != "paragraph" or not block["value"]["text"].startswith("<p>"):
            continue
        content = plain(block["value"]["text"])
        if index == 0 and len(content) <= STANDFIRST_MAX:
            return content, blocks[1:]
        if len(content) <= STANDFIRST_MAX:
            return content, blocks
        cut = content[:STANDFIRST_MAX].rsplit(" ", 1)[0]
        return cut.rstrip(" ,;:") + "…", blocks
    return "", blocks
