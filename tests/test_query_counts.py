"""SQL per query shape stays constant whatever the page size (SQLite and PostgreSQL alike).

Counts are taken on a warm request (renditions already generated) with Django's
CaptureQueriesContext, for the full card + body selection.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.rich_text import RichText

from cms.graphql.types import rendition_specs
from news.models import ArticleAuthor, ArticlePage, RelatedLink
from tests.factories import (
    AuthorFactory,
    TopicFactory,
    dated,
    feature,
    make_image,
    make_section,
    make_site,
)
from tests.shared_data import rolled_back

MAX_QUERIES = 15

IMAGE = "url width height alt caption credit srcSet"
ARTICLE_FIELDS = f"""
  id title slug url urlPath pageType seoTitle searchDescription lastPublishedAt
  standfirst publishedAt updatedAt readingTime
  section {{ id title slug url }}
  authors {{ name slug role photo {{ url }} }}
  topics {{ name slug kind }}
  leadImage {{ {IMAGE} }}
  socialImage {{ url }}
  relatedLinks {{ title url isExternal page {{ id title url }} }}
  body {{
    id blockType field
    ... on ParagraphBlock {{ html }}
    ... on HeadingBlock {{ text level }}
    ... on PullQuoteBlock {{ text attribution attributionRole }}
    ... on BodyImageBlock {{ image {{ {IMAGE} }} }}
    ... on EmbedBodyBlock {{ url caption provider }}
    ... on InlineRelatedBlock {{ label article {{ id title url leadImage {{ url }} }} }}
    ... on FactBoxBlock {{ title html }}
  }}
"""
LISTING = (
    "query($first: Int) { articles(first: $first) { totalCount "
    "pageInfo { hasNextPage endCursor } edges { cursor node { " + ARTICLE_FIELDS + " } } } }"
)
ARTICLE = "query($p: String) { article(urlPath: $p) { " + ARTICLE_FIELDS + " } }"
HOME = "{ home { title tagline featuredArticles { " + ARTICLE_FIELDS + " } } }"


def _body(n, images, earlier, draft):
    link = f'<a linktype="page" id="{earlier.pk}">avant</a>' if earlier else "rien"
    to_draft = f'<a linktype="page" id="{draft.pk}">ici</a>'
    image = images[n % len(images)]
    quote = {"text": "Une citation.", "attribution": "Quelqu'un", "attribution_role": "Maire"}
    return [
        ("paragraph", {"text": RichText(f"<p>Début {n}, voir {link}.</p>")}),
        ("heading", {"text": f"Intertitre {n}", "level": "h2"}),
        ("paragraph", {"text": RichText(f"<p>Brouillon {to_draft}.</p>")}),
        ("image", {"image": image, "caption": "Légende", "credit": "AFP", "alt": ""}),
        ("pull_quote", quote),
        ("related", {"page": earlier or draft, "label": ""}),
        ("embed", {"url": "https://www.youtube.com/watch?v=abc", "caption": "Vidéo"}),
        ("fact_box", {"title": "Repères", "text": RichText(f"<ul><li>{link}</li></ul>")}),
    ]


@pytest.fixture(scope="module")
def newsroom(django_db_setup, django_db_blocker):
    with rolled_back(django_db_blocker):
        yield _build_newsroom()


def _build_newsroom():
    home = make_site()
    monde = make_section(home, "Monde")
    france = make_section(home, "France")
    images = [make_image(f"Photo {i}") for i in range(3)]
    authors = [AuthorFactory(photo=images[0] if i == 0 else None) for i in range(3)]
    topics = [TopicFactory() for _ in range(4)]
    draft = ArticlePage(title="Brouillon", slug="brouillon", standfirst="x", live=False)
    monde.add_child(instance=draft)
    articles = []
    for n in range(110):
        earlier = articles[-1] if articles else None
        article = ArticlePage(
            title=f"Article {n}",
            slug=f"article-{n}",
            standfirst="Un chapô.",
            live=True,
            published_at=dated(n),
            lead_image=images[n % 3],
            social_image=images[(n + 1) % 3] if n % 2 else None,
            body=_body(n, images, earlier, draft),
        )
        (monde if n % 2 else france).add_child(instance=article)
        articles.append(article)
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(page=a, author=authors[(a.pk + i) % 3], sort_order=i)
        for a in articles
        for i in range(2)
    )
    ArticlePage.topics.through.objects.bulk_create(
        ArticlePage.topics.through(page=a, topic=topics[(a.pk + i) % 4], sort_order=i)
        for a in articles
        for i in range(3)
    )
    links = []
    for i, a in enumerate(articles):
        links += [
            RelatedLink(page=a, target_page=articles[i - 1], sort_order=0),
            RelatedLink(page=a, target_page=draft, sort_order=1),
            RelatedLink(page=a, url="https://example.org/", title="Ailleurs", sort_order=2),
        ]
    RelatedLink.objects.bulk_create(links)
    feature(home, *articles[-6:])
    # Renditions made now: later tests run with another MEDIA_ROOT, without the originals.
    for image in images:
        image.get_renditions(*rendition_specs())
    return {"home": home, "articles": articles, "draft": draft}


def _count(client, query, variables=None):
    body = json.dumps({"query": query, "variables": variables or {}})
    # Warm-up: generates renditions once, like any request after the first.
    first = client.post("/graphql/", body, content_type="application/json")
    assert "errors" not in first.json(), first.json()
    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/graphql/", body, content_type="application/json")
    payload = response.json()
    assert "errors" not in payload, payload["errors"]
    return len(ctx.captured_queries), payload["data"]


def test_listing_sql_is_the_same_for_5_20_and_100_articles(client, db, newsroom):
    counts = {}
    for n in (5, 20, 100):
        counts[n], data = _count(client, LISTING, {"first": n})
        assert len(data["articles"]["edges"]) == n
    assert counts[5] == counts[20] == counts[100], counts
    assert counts[100] <= MAX_QUERIES, counts


def test_listing_delivers_body_choosers_and_links(client, db, newsroom):
    _, data = _count(client, LISTING, {"first": 5})
    node = data["articles"]["edges"][0]["node"]
    earlier = newsroom["articles"][-2]
    body = {block["field"]: block for block in node["body"]}
    assert body["image"]["image"]["srcSet"].count("w, ") == 6
    assert body["related"]["article"]["title"] == earlier.title
    assert body["related"]["label"] == "Lire aussi"
    # An internal link to a public article gets its path; one to a draft loses its href.
    paragraphs = [b["html"] for b in node["body"] if b["field"] == "paragraph"]
    assert f'href="/france/{earlier.slug}/"' in paragraphs[0] or (
        f'href="/monde/{earlier.slug}/"' in paragraphs[0]
    )
    assert ">ici</a>" in paragraphs[1] and "href" not in paragraphs[1]
    assert "href" in body["fact_box"]["html"]
    # The related link to the draft is dropped; the public and external ones stay.
    assert [link["isExternal"] for link in node["relatedLinks"]] == [False, True]
    assert node["relatedLinks"][0]["page"]["title"] == earlier.title
    assert node["leadImage"]["srcSet"]
    assert len(node["authors"]) == 2 and len(node["topics"]) == 3


def test_inline_related_to_a_draft_is_null(client, db, newsroom):
    _, data = _count(client, LISTING, {"first": 100})
    first_article = data["articles"]["edges"][-1]["node"]
    related = next(b for b in first_article["body"] if b["field"] == "related")
    assert first_article["title"] == "Article 10"
    # Article 0 is beyond the page; article 10's related block points to article 9 (public).
    assert related["article"]["title"] == "Article 9"
    _, data = _count(client, ARTICLE, {"p": "/france/article-0/"})
    related = next(b for b in data["article"]["body"] if b["field"] == "related")
    assert related["article"] is None


def test_article_by_url_path_within_budget(client, db, newsroom):
    count, data = _count(client, ARTICLE, {"p": "/monde/article-51/"})
    assert data["article"]["title"] == "Article 51"
    assert count <= MAX_QUERIES


def test_home_featured_articles_within_budget(client, db, newsroom):
    count, data = _count(client, HOME)
    assert len(data["home"]["featuredArticles"]) == 6
    assert count <= MAX_QUERIES


def test_batched_body_matches_wagtails_own_conversion(client, db, newsroom, rf):
    """The batch conversion gives the same values as iterating the StreamField."""
    from types import SimpleNamespace

    from news.selectors import body_children

    article = ArticlePage.objects.get(pk=newsroom["articles"][30].pk)
    info = SimpleNamespace(context=rf.get("/graphql/", HTTP_HOST="localhost"))
    fast = body_children(article, info=info)
    stock = list(ArticlePage.objects.get(pk=article.pk).body)
    assert [c.block_type for c in fast] == [c.block_type for c in stock]
    assert [c.id for c in fast] == [c.id for c in stock]
    for mine, theirs in zip(fast, stock, strict=True):
        if mine.block_type == "related":
            assert mine.value["page"].pk == theirs.value["page"].pk
        else:
            assert mine.block.get_prep_value(mine.value) == theirs.block.get_prep_value(
                theirs.value
            )


def test_the_site_root_is_read_with_the_site_not_by_a_query_of_its_own(client, db, newsroom):
    # Wagtail's site lookup selects the root page with the site; the loader uses it.
    body = json.dumps({"query": LISTING, "variables": {"first": 5}})
    client.post("/graphql/", body, content_type="application/json")
    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/graphql/", body, content_type="application/json")
    assert "errors" not in response.json()
    root_pk = newsroom["home"].get_parent().pk
    home_pk = newsroom["home"].pk
    lone_page_reads = [
        q["sql"]
        for q in ctx.captured_queries
        if any(
            f'"url_path" FROM "wagtailcore_page" WHERE "wagtailcore_page"."id" = {pk} ' in q["sql"]
            for pk in (root_pk, home_pk)
        )
    ]
    assert lone_page_reads == []
