"""A small newsroom whose articles have stored renders, and reads with and without them."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.conf import settings
from django.test import override_settings
from wagtail.rich_text import RichText

from tests.factories import (
    AuthorFactory,
    TopicFactory,
    dated,
    make_article,
    make_image_with_renditions,
    make_section,
    make_site,
)

IMAGE = "url width height alt caption credit srcSet small: srcSet(sizes: [320, 640])"
FULL = f"""id title url readingTime leadImage {{ {IMAGE} }} socialImage {{ {IMAGE} }}
  topics {{ name slug kind }} authors {{ name slug role bio photo {{ {IMAGE} }} }}
  section {{ title url }} relatedLinks {{ title url }}
  body {{ id field blockType
    ... on ParagraphBlock {{ html }} ... on HeadingBlock {{ text level }}
    ... on PullQuoteBlock {{ text attribution attributionRole }}
    ... on BodyImageBlock {{ image {{ {IMAGE} }} }}
    ... on EmbedBodyBlock {{ url caption provider }}
    ... on InlineRelatedBlock {{ label article {{ title url }} }}
    ... on FactBoxBlock {{ title html }} }}"""
CARD = (
    f"title url leadImage {{ {IMAGE} }} topics {{ name }} authors {{ name }} section {{ title }}"
)


# Small files: renditions are made for real, and the big ones took seconds per image.
SMALL = {"width": 400, "height": 300}


def article_query(pk) -> str:
    return f'{{ article(id: "{pk}") {{ {FULL} }} }}'


LISTING = f"{{ articles(first: 20) {{ edges {{ node {{ {CARD} }} }} }} }}"


def link(page, text="lien") -> str:
    return f'<a linktype="page" id="{page.pk}">{text}</a>'


def get(client, query, *, renders: str = "on") -> dict:
    """The answer, response cache off; `renders="off"`: computed afresh, the truth."""
    with override_settings(
        KIOSQUE_CACHE={**settings.KIOSQUE_CACHE, "ENABLED": False},
        KIOSQUE={**settings.KIOSQUE, "RENDERS": renders},
    ):
        response = client.get("/graphql/?" + urlencode({"query": query}))
    assert response.status_code == 200, response.content
    body = json.loads(response.content)
    assert "errors" not in body, body
    return body["data"]


def build_world() -> dict:
    home = make_site()
    sport = make_section(home, "Sport", menu_order=1)
    culture = make_section(home, "Culture", menu_order=2)
    foot = TopicFactory(name="Foot", slug="foot")
    alice = AuthorFactory(name="Alice", slug="alice")
    photo = make_image_with_renditions("Portrait", **SMALL)
    alice.photo = photo
    alice.save()
    lead = make_image_with_renditions("Une", **SMALL)
    inside = make_image_with_renditions("Dans le texte", **SMALL)
    target = make_article(culture, "Cible", slug="cible", published_at=dated(1))
    other = make_article(sport, "Autre", slug="autre", published_at=dated(2))
    body = [
        ("heading", {"text": "Intertitre", "level": "h2"}),
        ("paragraph", {"text": RichText(f"<p>Voir {link(target)} et {link(other, 'ici')}.</p>")}),
        ("image", {"image": inside, "caption": "Légende", "credit": "", "alt": ""}),
        ("related", {"page": target, "label": ""}),
        ("fact_box", {"title": "Repères", "text": RichText(f"<ul><li>{link(target)}</li></ul>")}),
        ("embed", {"url": "https://www.youtube.com/watch?v=abc", "caption": "Vidéo"}),
        ("pull_quote", {"text": "Citation", "attribution": "Quelqu'un", "attribution_role": ""}),
    ]
    main = make_article(
        sport,
        "Principal",
        slug="principal",
        published_at=dated(3),
        body=body,
        topics=[foot],
        authors=[alice],
        lead_image=lead,
        related=[target],
    )
    return {
        "home": home,
        "sections": {"sport": sport, "culture": culture},
        "topic": foot,
        "author": alice,
        "images": {"photo": photo, "lead": lead, "inside": inside},
        "target": target,
        "other": other,
        "main": main,
    }
