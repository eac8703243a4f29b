"""Hole 10: HTML stored through the ORM or an import comes out sanitised; URL fields too.

Only `ParagraphBlock.html` and `FactBoxBlock.html` carry HTML. Every other string in the
schema is plain text that frontends escape (documented in docs/security.md).
"""

import json

import pytest
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from news.models import ArticlePage, RelatedLink
from tests.factories import make_article, make_section, make_site, paragraph

HOSTILE = (
    "<p>Bonjour<script>alert(1)</script></p>"
    '<img src="x" onerror="alert(2)">'
    '<a href="javascript:alert(3)">a</a>'
    '<a href="JaVaScRiPt:alert(4)">b</a>'
    '<a href="&#106;avascript:alert(5)">c</a>'
    '<a href=" javascript:alert(6)">d</a>'
    '<a href="data:text/html;base64,PHNjcmlwdD4=">e</a>'
    '<a href="vbscript:msgbox(7)">f</a>'
    '<iframe src="https://exemple.fr/"></iframe>'
    '<p style="color:red" onclick="alert(8)">style</p>'
    "<svg onload=alert(9)></svg>"
    "<style>body{display:none}</style>"
    '<form action="https://exemple.fr/"><input name="x"></form>'
    '<a href="https://exemple.fr/ok" target="_blank" onmouseover="alert(10)">sûr</a>'
)
FORBIDDEN = (
    "<script",
    "alert(",
    "onerror",
    "onclick",
    "onload",
    "onmouseover",
    "javascript:",
    "vbscript:",
    "data:text",
    "<iframe",
    "<img",
    "<svg",
    "<style",
    "<form",
    "<input",
    "style=",
)


def assert_clean(html: str) -> None:
    lowered = html.lower()
    found = [bad for bad in FORBIDDEN if bad in lowered]
    assert not found, (found, html)


@pytest.fixture
def section(db):
    home = make_site()
    return make_section(home, "Monde", slug="monde")


BODY_QUERY = """query($slug: String!) { article(slug: $slug) { body { __typename
    ... on ParagraphBlock { html } ... on FactBoxBlock { title html }
    ... on EmbedBodyBlock { url provider } } } }"""


def body_of(gql, slug):
    return gql.data(BODY_QUERY, {"slug": slug})["article"]["body"]


def test_paragraph_and_fact_box_html_are_sanitised(gql, section):
    make_article(
        section,
        "Piégé",
        slug="piege",
        body=[paragraph(HOSTILE), ("fact_box", {"title": "Repères", "text": RichText(HOSTILE)})],
    )
    blocks = body_of(gql, "piege")
    assert [b["__typename"] for b in blocks] == ["ParagraphBlock", "FactBoxBlock"]
    for block in blocks:
        assert_clean(block["html"])
        assert "Bonjour" in block["html"]
        assert '<a href="https://exemple.fr/ok" rel="noopener noreferrer">sûr</a>' in block["html"]


def test_html_written_straight_into_the_database_is_sanitised(gql, section):
    """An import that bypasses the editor and the block's own value types."""
    article = make_article(section, "Importé", slug="importe")
    raw = [
        {"type": "paragraph", "value": {"text": HOSTILE}, "id": "a"},
        {"type": "fact_box", "value": {"title": "T", "text": HOSTILE}, "id": "b"},
    ]
    ArticlePage.objects.filter(pk=article.pk).update(body=json.dumps(raw))
    blocks = body_of(gql, "importe")
    assert len(blocks) == 2
    for block in blocks:
        assert_clean(block["html"])


def test_internal_links_to_hidden_pages_lose_their_url(gql, section):
    draft = make_article(section, "Brouillon", slug="lien-zqbrouillon", live=False)
    private = make_article(section, "Privé", slug="lien-zqreserve")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    live = make_article(section, "En ligne", slug="en-ligne")
    html = (
        f'<p><a linktype="page" id="{draft.pk}">un</a> <a linktype="page" id="{private.pk}">'
        f'deux</a> <a linktype="page" id="{live.pk}">trois</a>'
        ' <a linktype="page" id="pas-un-nombre">quatre</a></p>'
    )
    make_article(section, "Liens", slug="liens", body=[paragraph(html)])
    (block,) = body_of(gql, "liens")
    assert "zqbrouillon" not in block["html"] and "zqreserve" not in block["html"]
    assert 'href="/monde/en-ligne/"' in block["html"]
    for text in ("un", "deux", "trois", "quatre"):
        assert f">{text}</a>" in block["html"]


def test_related_link_urls_must_be_http(gql, section):
    article = make_article(section, "Liens externes", slug="externes")
    for order, url in enumerate(
        [
            "javascript:alert(1)",
            " JAVASCRIPT:alert(2)",
            "data:text/html,x",
            "//exemple.fr/",
            "http://[",
            "https://exemple.fr/dossier",
        ]  # fmt: skip
    ):
        RelatedLink.objects.create(page=article, url=url, title=f"Lien {order}", sort_order=order)
    data = gql.data('{ article(slug: "externes") { relatedLinks { title url isExternal } } }')
    assert data["article"]["relatedLinks"] == [
        {"title": "Lien 5", "url": "https://exemple.fr/dossier", "isExternal": True}
    ]


def test_embed_urls_must_be_http(gql, section):
    article = make_article(section, "Vidéos", slug="videos")
    raw = [
        {"type": "embed", "value": {"url": "javascript:alert(1)", "caption": ""}, "id": "a"},
        {"type": "embed", "value": {"url": "http://[", "caption": ""}, "id": "b"},
        {"type": "embed", "value": {"url": "https://youtu.be/abc", "caption": ""}, "id": "c"},
    ]
    ArticlePage.objects.filter(pk=article.pk).update(body=json.dumps(raw))
    blocks = body_of(gql, "videos")
    assert [(b["url"], b["provider"]) for b in blocks] == [
        ("", "other"),
        ("", "other"),
        ("https://youtu.be/abc", "youtube"),
    ]


def test_only_the_html_fields_carry_html():
    """Every String field other than the two `html` ones is documented as plain text."""
    from graphql import GraphQLObjectType, get_named_type
    from grapple.schema import schema

    html_fields = {
        f"{t.name}.{name}"
        for t in schema.graphql_schema.type_map.values()
        if isinstance(t, GraphQLObjectType) and not t.name.startswith("__")
        for name, field in t.fields.items()
        if get_named_type(field.type).name == "String" and "html" in name.lower()
    }
    assert html_fields == {"ParagraphBlock.html", "FactBoxBlock.html"}
