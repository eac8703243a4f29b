"""Every body block type comes back through GraphQL with its own typed fields."""

import pytest
from wagtail.rich_text import RichText

from news.blocks import BODY_BLOCK_TYPES
from tests.factories import dated, make_article, make_image, make_section, make_site

pytestmark = pytest.mark.django_db

BODY_QUERY = """
query ($slug: String!) {
  article(slug: $slug) {
    body {
      blockType
      field
      ... on ParagraphBlock { html }
      ... on HeadingBlock { text level }
      ... on PullQuoteBlock { text attribution attributionRole }
      ... on BodyImageBlock { image { url width height alt caption credit } }
      ... on EmbedBodyBlock { url caption provider }
      ... on InlineRelatedBlock { label article { title slug url } }
      ... on FactBoxBlock { title html }
    }
  }
}
"""


@pytest.fixture
def article_with_every_block():
    home = make_site()
    section = make_section(home, "Monde")
    target = make_article(
        section, "Le sommet de Nairobi", slug="sommet-nairobi", published_at=dated(1)
    )
    image = make_image("Port de Dakar", width=1200, height=800)
    body = [
        ("paragraph", {"text": RichText("<p>Un <b>premier</b> paragraphe.</p>")}),
        ("heading", {"text": "Les enjeux", "level": "h2"}),
        ("heading", {"text": "Un détail", "level": "h3"}),
        (
            "pull_quote",
            {
                "text": "Nous tiendrons parole.",
                "attribution": "Awa Ndiaye",
                "attribution_role": "porte-parole",
            },
        ),
        (
            "image",
            {
                "image": image,
                "caption": "Le port à l'aube",
                "credit": "Kiosque / A. B.",
                "alt": "Des grues",
            },
        ),
        ("embed", {"url": "https://www.youtube.com/watch?v=abc123", "caption": "La conférence"}),
        ("embed", {"url": "https://example.org/video/1", "caption": ""}),
        ("related", {"page": target, "label": ""}),
        ("related", {"page": target, "label": "À lire"}),
        (
            "fact_box",
            {"title": "Repères", "text": RichText("<ul><li>1960 : indépendance</li></ul>")},
        ),
    ]
    make_article(
        section, "Tous les blocs", slug="tous-les-blocs", body=body, published_at=dated(2)
    )
    return target


def test_block_types_under_test_cover_the_whole_stream():
    assert set(BODY_BLOCK_TYPES) == {
        "paragraph", "heading", "pull_quote", "image", "embed", "related", "fact_box",
    }  # fmt: skip


def test_every_block_type_round_trips(gql, article_with_every_block):
    body = gql.data(BODY_QUERY, {"slug": "tous-les-blocs"})["article"]["body"]
    assert [block["blockType"] for block in body] == [
        "ParagraphBlock", "HeadingBlock", "HeadingBlock", "PullQuoteBlock", "BodyImageBlock",
        "EmbedBodyBlock", "EmbedBodyBlock", "InlineRelatedBlock", "InlineRelatedBlock",
        "FactBoxBlock",
    ]  # fmt: skip
    assert [block["field"] for block in body] == [
        "paragraph", "heading", "heading", "pull_quote", "image", "embed", "embed", "related",
        "related", "fact_box",
    ]  # fmt: skip
    assert {block["field"] for block in body} == set(BODY_BLOCK_TYPES)

    paragraph, h2, h3, quote, image, embed, other_embed, related, labelled, facts = body
    assert paragraph["html"] == "<p>Un <b>premier</b> paragraphe.</p>"
    assert (h2["text"], h2["level"]) == ("Les enjeux", "h2")
    assert (h3["text"], h3["level"]) == ("Un détail", "h3")
    assert quote["text"] == "Nous tiendrons parole."
    assert quote["attribution"] == "Awa Ndiaye"
    assert quote["attributionRole"] == "porte-parole"

    picture = image["image"]
    assert picture["caption"] == "Le port à l'aube"
    assert picture["credit"] == "Kiosque / A. B."
    assert picture["alt"] == "Des grues"
    assert picture["url"].startswith("http://testserver/")
    assert (picture["width"], picture["height"]) == (1200, 800)

    assert embed == {
        "blockType": "EmbedBodyBlock",
        "field": "embed",
        "url": "https://www.youtube.com/watch?v=abc123",
        "caption": "La conférence",
        "provider": "youtube",
    }
    assert other_embed["provider"] == "other"
    assert other_embed["caption"] == ""

    expected_target = {"title": "Le sommet de Nairobi", "slug": "sommet-nairobi",
                       "url": "/monde/sommet-nairobi/"}  # fmt: skip
    assert related["label"] == "Lire aussi"
    assert related["article"] == expected_target
    assert labelled["label"] == "À lire"
    assert labelled["article"] == expected_target

    assert facts["title"] == "Repères"
    assert facts["html"] == "<ul><li>1960 : indépendance</li></ul>"


def test_inline_related_to_an_unpublished_article_gives_no_article(gql, article_with_every_block):
    article_with_every_block.unpublish()
    body = gql.data(BODY_QUERY, {"slug": "tous-les-blocs"})["article"]["body"]
    related = [block for block in body if block["field"] == "related"]
    assert [block["article"] for block in related] == [None, None]


def test_body_image_block_without_alt_falls_back_to_the_image_title(gql):
    home = make_site()
    section = make_section(home, "Monde")
    image = make_image("Vue du fleuve")
    body = [("image", {"image": image, "caption": "", "credit": "", "alt": ""})]
    make_article(section, "Photo", slug="photo", body=body)
    body = gql.data(BODY_QUERY, {"slug": "photo"})["article"]["body"]
    assert body[0]["image"]["alt"] == "Vue du fleuve"
    assert body[0]["image"]["caption"] == ""


def test_embeds_inside_rich_text_are_dropped_without_being_fetched(gql, monkeypatch):
    from wagtail.embeds import embeds
    from wagtail.images.models import Rendition

    def no_fetch(*args, **kwargs):
        raise AssertionError("an API request must not fetch oEmbed")

    monkeypatch.setattr(embeds, "get_embed", no_fetch)
    home = make_site()
    section = make_section(home, "Monde")
    image = make_image("Carte")
    html = (
        '<p>Avant.</p><embed embedtype="media" url="https://www.youtube.com/watch?v=abc"/>'
        f'<embed alt="Une carte" embedtype="image" format="fullwidth" id="{image.pk}"/>'
        "<p>Après.</p>"
    )
    make_article(section, "Intégrations", slug="integrations", body=[
        ("paragraph", {"text": RichText(html)}),
        ("fact_box", {"title": "Carte", "text": RichText(html)}),
    ])  # fmt: skip
    renditions = Rendition.objects.count()
    body = gql.data(BODY_QUERY, {"slug": "integrations"})["article"]["body"]
    assert body[0]["html"] == "<p>Avant.</p><p>Après.</p>"
    assert body[1]["html"] == "<p>Avant.</p><p>Après.</p>"
    assert Rendition.objects.count() == renditions
