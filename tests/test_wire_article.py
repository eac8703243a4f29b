"""A wire-shaped article survives the trip through the content model and GraphQL without loss."""

import pytest
from wagtail.rich_text import RichText

from news.models import Topic
from tests.factories import (
    AuthorFactory,
    TopicFactory,
    dated,
    feature,
    make_article,
    make_image_with_renditions,
    make_section,
    make_site,
)

pytestmark = pytest.mark.django_db

HEADLINE = "Sommet de Kerane : quatre chefs d'État signent un accord sur le corridor fluvial"
STANDFIRST = (
    "Réunis deux jours au bord du fleuve, les dirigeants de quatre pays riverains se sont "
    "engagés à partager l'eau, les ports et les données de crue. Un texte attendu depuis dix ans."
)
# Six subheadings, each followed by one or two paragraphs (the spokesperson quote sits in 3).
SECTIONS = [
    ("Un accord arraché au petit matin", [
        "<p>Les négociations se sont prolongées toute la nuit à la mairie de Kerane.</p>",
        "<p>À l'aube, la présidente <b>Amina Sow</b> a annoncé la signature devant la presse.</p>",
    ]),
    ("Ce que prévoit le texte", [
        "<p>Le corridor réunit <i>quatre ports</i>, une autorité et un fonds d'entretien.</p>",
    ]),
    ("Une parole attendue", [
        "<p>« C'est une journée que nos riverains attendaient depuis une génération », a déclaré "
        "Lina Okafor, porte-parole de la présidence, à la sortie de la salle.</p>",
        "<p>Le premier comité se réunira «\u202fdès le mois prochain\u202f».</p>",
    ]),
    ("Les ministres des affaires étrangères en première ligne", [
        "<p>Paul Ndong et Sofia Ramírez ont mené les discussions techniques pendant six mois.</p>",
    ]),
    ("Le rôle des organisations régionales", [
        "<p>La Commission du fleuve et l'Union des ports riverains paieront les études.</p>",
        "<ul><li>Études de crue : 2027</li><li>Premiers travaux : 2028</li></ul>",
    ]),
    ("Et maintenant ?", [
        "<p>Les parlements des quatre pays doivent ratifier l'accord avant la fin de l'année.</p>",
    ]),
]  # fmt: skip
QUOTE = {
    "text": "C'est une journée que nos riverains attendaient depuis une génération.",
    "attribution": "Lina Okafor",
    "attribution_role": "porte-parole de la présidence",
}
HEADS_OF_STATE = ["Amina Sow", "Jonas Abeba", "Marc Toulé", "Céline Dufort-Mbeki"]
MINISTERS = ["Paul Ndong", "Sofia Ramírez"]
ORGANISATIONS = ["Commission du fleuve", "Union des ports riverains"]

QUERY = """
query ($urlPath: String!) {
  article(urlPath: $urlPath) { ...Wire }
  articles(first: 1) { edges { node { ...Wire } } }
}
fragment Wire on ArticlePage {
  id title slug url standfirst publishedAt
  section { title slug url }
  authors { name slug role }
  topics { name slug kind }
  leadImage { url width height alt caption credit srcSet(sizes: [320, 640]) }
  body {
    blockType
    ... on HeadingBlock { text level }
    ... on ParagraphBlock { html }
    ... on PullQuoteBlock { text attribution attributionRole }
    ... on InlineRelatedBlock { label article { title url } }
  }
  relatedLinks { title url isExternal page { ... on ArticlePage { title url } } }
}
"""


def _slug(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name)


@pytest.fixture
def wire():
    home = make_site()
    section = make_section(home, "Monde")
    other = make_article(
        section,
        "Crues : les villes du fleuve se préparent à une saison difficile",
        slug="crues-saison-difficile",
        published_at=dated(1),
    )
    topics = (
        [TopicFactory(name=n, slug=_slug(n), kind=Topic.Kind.PERSON) for n in HEADS_OF_STATE]
        + [TopicFactory(name=n, slug=_slug(n), kind=Topic.Kind.PERSON) for n in MINISTERS]
        + [
            TopicFactory(name=n, slug=_slug(n), kind=Topic.Kind.ORGANISATION)
            for n in ORGANISATIONS
        ]
    )
    # Credited in this order on purpose: not alphabetical.
    authors = [
        AuthorFactory(name="Yao Mensah", slug="yao-mensah", role="Envoyé spécial à Kerane"),
        AuthorFactory(name="Anne Castel", slug="anne-castel", role="Service Monde"),
    ]
    body = []
    for index, (heading, paragraphs) in enumerate(SECTIONS):
        body.append(("heading", {"text": heading, "level": "h2"}))
        body += [("paragraph", {"text": RichText(html)}) for html in paragraphs]
        if index == 2:
            body.append(("pull_quote", dict(QUOTE)))
    body.append(("related", {"page": other, "label": ""}))
    article = make_article(
        section,
        HEADLINE,
        slug="sommet-kerane-accord",
        standfirst=STANDFIRST,
        body=body,
        published_at=dated(2),
        authors=authors,
        topics=topics,
        related=[other],
        lead_image=make_image_with_renditions("Signature à Kerane", width=1600, height=900),
    )
    article.lead_image_caption = "Les quatre chefs d'État après la signature, à Kerane."
    article.lead_image_credit = "Kiosque / Yao Mensah"
    article.lead_image_alt = "Quatre personnes se serrent la main devant des drapeaux."
    article.save_revision().publish()
    return article, other


def test_wire_article_round_trips_without_loss(gql, wire):
    article, other = wire
    data = gql.data(QUERY, {"urlPath": "/monde/sommet-kerane-accord/"})
    got = data["article"]
    # The listing goes through the batch loaders; it must deliver the very same article.
    assert data["articles"]["edges"][0]["node"] == got

    assert got["id"] == str(article.pk)
    assert got["title"] == HEADLINE
    assert got["slug"] == "sommet-kerane-accord"
    assert got["url"] == "/monde/sommet-kerane-accord/"
    assert got["standfirst"] == STANDFIRST
    assert got["publishedAt"] == dated(2).isoformat()
    assert got["section"] == {"title": "Monde", "slug": "monde", "url": "/monde/"}
    assert got["authors"] == [
        {"name": "Yao Mensah", "slug": "yao-mensah", "role": "Envoyé spécial à Kerane"},
        {"name": "Anne Castel", "slug": "anne-castel", "role": "Service Monde"},
    ]

    topics = {t["name"]: t for t in got["topics"]}
    assert len(got["topics"]) == 8
    # In the order the newsroom gave them, not alphabetical.
    assert [t["name"] for t in got["topics"]] == HEADS_OF_STATE + MINISTERS + ORGANISATIONS
    for name in HEADS_OF_STATE + MINISTERS:
        assert topics[name] == {"name": name, "slug": _slug(name), "kind": "person"}
    for name in ORGANISATIONS:
        assert topics[name] == {"name": name, "slug": _slug(name), "kind": "organisation"}

    image = got["leadImage"]
    assert image["caption"] == "Les quatre chefs d'État après la signature, à Kerane."
    assert image["credit"] == "Kiosque / Yao Mensah"
    assert image["alt"] == "Quatre personnes se serrent la main devant des drapeaux."
    assert (image["width"], image["height"]) == (1600, 900)
    assert image["url"].startswith("http://testserver/media/")
    widths = [part.rsplit(" ", 1)[1] for part in image["srcSet"].split(", ")]
    assert widths == ["320w", "640w"]


def test_wire_body_keeps_every_block_in_order(gql, wire):
    _, other = wire
    body = gql.data(QUERY, {"urlPath": "/monde/sommet-kerane-accord/"})["article"]["body"]

    expected = []
    for index, (heading, paragraphs) in enumerate(SECTIONS):
        expected.append({"blockType": "HeadingBlock", "text": heading, "level": "h2"})
        expected += [{"blockType": "ParagraphBlock", "html": html} for html in paragraphs]
        if index == 2:
            expected.append(
                {
                    "blockType": "PullQuoteBlock",
                    "text": QUOTE["text"],
                    "attribution": "Lina Okafor",
                    "attributionRole": "porte-parole de la présidence",
                }
            )
    expected.append(
        {
            "blockType": "InlineRelatedBlock",
            "label": "Lire aussi",
            "article": {"title": other.title, "url": "/monde/crues-saison-difficile/"},
        }
    )
    assert body == expected

    headings = [block for block in body if block["blockType"] == "HeadingBlock"]
    assert len(headings) == 6
    # Each subheading is followed by one or two paragraphs.
    positions = [i for i, block in enumerate(body) if block["blockType"] == "HeadingBlock"]
    for start, end in zip(positions, [*positions[1:], len(body)], strict=True):
        paragraphs = [b for b in body[start + 1 : end] if b["blockType"] == "ParagraphBlock"]
        assert 1 <= len(paragraphs) <= 2

    quoted = [b["html"] for b in body if "« C'est une journée" in b.get("html", "")]
    assert quoted and "», a déclaré Lina Okafor, porte-parole de la présidence" in quoted[0]
    assert any("«\u202fdès le mois prochain\u202f»" in b.get("html", "") for b in body)


def test_wire_closes_with_lire_aussi_and_a_related_link(gql, wire):
    _, other = wire
    got = gql.data(QUERY, {"urlPath": "/monde/sommet-kerane-accord/"})["article"]
    closing = got["body"][-1]
    assert f"{closing['label']} : {closing['article']['title']}" == (
        "Lire aussi : Crues : les villes du fleuve se préparent à une saison difficile"
    )
    assert got["relatedLinks"] == [
        {
            "title": other.title,
            "url": "/monde/crues-saison-difficile/",
            "isExternal": False,
            "page": {"title": other.title, "url": "/monde/crues-saison-difficile/"},
        }
    ]


def test_long_lists_are_not_truncated(gql):
    # grapple caps its own list fields at PAGE_SIZE; none of Kiosque's lists may be capped.
    home = make_site()
    section = make_section(home, "Monde")
    targets = [
        make_article(section, f"Cible {n}", slug=f"cible-{n:02d}", published_at=dated(n))
        for n in range(25)
    ]
    topics = [TopicFactory(slug=f"sujet-long-{n:02d}", name=f"Sujet {n:02d}") for n in range(25)]
    authors = [AuthorFactory(slug=f"auteur-{n:02d}") for n in range(15)]
    body = [("heading", {"text": f"Intertitre {n}", "level": "h3"}) for n in range(40)]
    make_article(
        section,
        "Long",
        slug="long",
        published_at=dated(99),
        topics=topics,
        authors=authors,
        related=targets,
        body=body,
    )
    feature(home, *targets)
    query = """
    {
      home { featuredArticles { slug } }
      article(slug: "long") {
        topics { slug } authors { slug } relatedLinks { url } body { blockType }
      }
    }
    """
    data = gql.data(query)
    article = data["article"]
    assert [t["slug"] for t in article["topics"]] == [t.slug for t in topics]
    assert [a["slug"] for a in article["authors"]] == [a.slug for a in authors]
    assert [link["url"] for link in article["relatedLinks"]] == [
        f"/monde/cible-{n:02d}/" for n in range(25)
    ]
    assert len(article["body"]) == 40
    assert [a["slug"] for a in data["home"]["featuredArticles"]] == [t.slug for t in targets]


def test_an_articles_topics_come_in_the_order_the_newsroom_set(gql):
    """Not alphabetical: the first topic is the one the article is most about."""
    monde = make_section(make_site(), "Monde")
    names = ["Zoé Lambert", "Élise Marveaux", "agriculture", "Banque centrale", "Eddy Ferrand",
             "Œuvres sociales", "Odile Pagès"]  # fmt: skip
    topics = [TopicFactory(name=name, slug=f"sujet-{n}") for n, name in enumerate(names)]
    article = make_article(monde, "Un article", slug="un-article", topics=topics)
    query = '{ article(slug: "un-article") { topics { name } } }'
    assert [t["name"] for t in gql.data(query)["article"]["topics"]] == names
    # Reordered and published: the API follows.
    article.set_topics(reversed(topics))
    article.save_revision().publish()
    assert [t["name"] for t in gql.data(query)["article"]["topics"]] == names[::-1]
    assert article.topics.count() == 7
