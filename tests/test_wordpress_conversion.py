"""WordPress HTML -> article blocks, without a database: wpautop, shortcodes, widgets, quotes,
embeds, tables, standfirst, and the streaming reader's refusals."""

import pytest

from wpimport import converter
from wpimport.parser import ExportError, scan


def convert(html, links=None, images=None):
    links = links or {}
    return converter.convert(
        html,
        resolve_link=lambda href: links.get(href),
        resolve_image=lambda src, attachment: (images or {}).get(src),
    )


def kinds(result):
    return [block["type"] for block in result.blocks]


def test_classic_blank_lines_are_paragraphs_and_single_newlines_are_breaks():
    result = convert("Premier, avec l’apostrophe.\nSuite.\n\n\n« Deuxième » paragraphe.")
    assert [b["value"]["text"] for b in result.blocks] == [
        "<p>Premier, avec l’apostrophe.<br/>Suite.</p>",
        "<p>« Deuxième » paragraphe.</p>",
    ]


def test_classic_and_gutenberg_give_identical_blocks():
    classic = "<h2>Le bilan</h2>\nUn texte <em>clair</em>.\n\n<h3>Détail</h3>\nFin."
    gutenberg = (
        "<!-- wp:heading --><h2>Le bilan</h2><!-- /wp:heading -->"
        "<!-- wp:paragraph --><p>Un texte <em>clair</em>.</p><!-- /wp:paragraph -->"
        '<!-- wp:heading {"level":3} --><h3>Détail</h3><!-- /wp:heading -->'
        "<!-- wp:paragraph --><p>Fin.</p><!-- /wp:paragraph -->"
    )
    assert convert(classic).blocks == convert(gutenberg).blocks
    assert kinds(convert(classic)) == ["heading", "paragraph", "heading", "paragraph"]


def test_unknown_shortcodes_keep_their_text_and_widgets_vanish():
    html = (
        '[su_highlight color="#ff0"]Texte gardé[/su_highlight] et [sic] aussi.\n\n'
        '[newsletter id="4"]\n\n[mc4wp_form]\n\n[sharebar/]\n\n'
        '<div class="sharedaddy"><a href="https://x.com/share">Partager</a></div>'
    )
    result = convert(html)
    assert [b["value"]["text"] for b in result.blocks] == ["<p>Texte gardé et [sic] aussi.</p>"]


def test_empty_and_nbsp_paragraphs_are_dropped():
    result = convert("<p>&nbsp;</p><p> </p><p><br></p><p>Reste.</p>")
    assert [b["value"]["text"] for b in result.blocks] == ["<p>Reste.</p>"]


def test_quote_with_dash_signature_splits_attribution_and_role():
    result = convert(
        "<blockquote><p>« Rien n’est joué. »</p><p>— Ana Ruiz, maire</p></blockquote>"
    )
    value = {"text": "Rien n’est joué.", "attribution": "Ana Ruiz", "attribution_role": "maire"}
    assert result.blocks == [{"type": "pull_quote", "value": value}]


def test_embeds_from_iframes_tweets_and_bare_urls():
    html = (
        '<iframe src="https://www.youtube.com/embed/abc123?rel=0"></iframe>\n\n'
        '<blockquote class="twitter-tweet"><p>Un tweet</p><a href="https://twitter.com/u/status/1">'
        "date</a></blockquote>\n\nhttps://vimeo.com/42\n\n"
        '<iframe src="javascript:alert(1)"></iframe>'
    )
    urls = [b["value"]["url"] for b in convert(html).blocks]
    assert urls == [
        "https://www.youtube.com/watch?v=abc123",
        "https://twitter.com/u/status/1",
        "https://vimeo.com/42",
    ]


def test_lists_stay_rich_text_and_tables_become_lines():
    html = "<ul><li>Un</li><li><strong>Deux</strong></li></ul><table><tr><th>Ville</th>"
    html += "<th>Habitants</th></tr><tr><td>Sète</td><td>44 000</td></tr></table>"
    assert [b["value"]["text"] for b in convert(html).blocks] == [
        "<ul><li>Un</li><li><b>Deux</b></li></ul>",
        "<p>Ville | Habitants<br/>Sète | 44 000</p>",
    ]


def test_links_to_imported_posts_become_page_links_and_scripts_never_survive():
    target = converter.LinkTarget(wp_id=7, page_id=70)
    html = (
        '<p>Voir <a href="/?p=7">ici</a>, <a href="javascript:alert(1)">là</a>'
        "<script>alert(1)</script>.</p>"
    )
    result = convert(html, links={"/?p=7": target})
    assert (
        result.blocks[0]["value"]["text"] == '<p>Voir <a linktype="page" id="70">ici</a>, là.</p>'
    )


def test_lire_aussi_in_the_middle_becomes_an_inline_block_and_at_the_end_a_related_link():
    early = converter.LinkTarget(wp_id=1, page_id=10)
    late = converter.LinkTarget(wp_id=2, page_id=None)
    html = (
        'Début.\n\nÀ lire aussi : <a href="/a/">Un</a>\n\nSuite.\n\n'
        'LIRE AUSSI: <a href="/b/">Deux</a>\n\nLire aussi <a href="https://ailleurs.example/">'
        "Trois</a>"
    )
    result = convert(html, links={"/a/": early, "/b/": late})
    assert kinds(result) == ["paragraph", "related", "paragraph"]
    assert result.blocks[1]["value"] == {"page": 10, "label": ""}
    assert [(r["target"], r["title"]) for r in result.related] == [(late, "Deux"), (None, "Trois")]
    assert result.pending_links  # "Deux" has no page yet: the service writes it again later


def test_caption_shortcode_keeps_the_caption_text():
    image = {"image": 5, "caption": "", "alt": "Alt de la médiathèque", "credit": "AFP"}
    html = (
        '[caption id="attachment_9" width="300"]<img src="https://s.example/wp-content/uploads/'
        'a.jpg" alt="" /> Le port, à l’aube.[/caption]'
    )
    result = convert(html, images={"https://s.example/wp-content/uploads/a.jpg": image})
    assert result.blocks == [{"type": "image", "value": {
        "image": 5, "caption": "Le port, à l’aube.", "credit": "AFP",
        "alt": "Alt de la médiathèque"}}]  # fmt: skip


def test_standfirst_rule():
    short = [{"type": "paragraph", "value": {"text": "<p>Court et clair.</p>"}},
             {"type": "paragraph", "value": {"text": "<p>Suite.</p>"}}]  # fmt: skip
    assert converter.standfirst_rule(short) == ("Court et clair.", short[1:])
    long_text = "mot " * 200
    long = [{"type": "paragraph", "value": {"text": f"<p>{long_text}</p>"}}]
    standfirst, body = converter.standfirst_rule(long)
    assert body == long and standfirst.endswith("…") and len(standfirst) <= 321


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<rss><channel><link>https://a.example</link><item>", "XML mal formé ligne 1, colonne"),
        ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "b">]><rss>&a;</rss>', "interdites"),
        ("<html><body/></html>", "pas un export WordPress"),
        ("<rss><channel><item/></channel></rss>", "sans adresse de site"),
    ],
)
def test_reader_refuses_unusable_files(tmp_path, content, message):
    path = tmp_path / "export.xml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ExportError, match=message):
        scan(path)
