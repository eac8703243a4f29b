"""The requests compared by the bench, one per case name."""

import os
from urllib.parse import urlencode

IMAGE = "url srcSet"
CARD = f"title url standfirst publishedAt leadImage {{ {IMAGE} }} topics {{ name }}"
BODY = f"""body {{ field
  ... on ParagraphBlock {{ html }} ... on HeadingBlock {{ text level }}
  ... on PullQuoteBlock {{ text attribution }} ... on BodyImageBlock {{ image {{ {IMAGE} }} }}
  ... on EmbedBodyBlock {{ url provider }}
  ... on InlineRelatedBlock {{ label article {{ title url }} }}
  ... on FactBoxBlock {{ title html }} }}"""
FULL = f"""id {CARD} readingTime authors {{ name }} {BODY}"""

KIOSQUE_LISTING = (
    f"{{ articles(first: 20) {{ edges {{ node {{ {CARD} section {{ title url }} }} }} }} }}"
)
STOCK_LISTING = (
    '{ pages(contentType: "news.ArticlePage", limit: 20, order: "-first_published_at") '
    f"{{ ... on ArticlePage {{ {CARD} parent {{ title url }} }} }} }}"
)
KIOSQUE_ARTICLE = (
    f"query($p: String) {{ article(urlPath: $p) {{ {FULL} section {{ title url }} }} }}"
)
STOCK_ARTICLE = (
    f"query($p: String) {{ page(urlPath: $p) {{ ... on ArticlePage {{ {FULL} "
    "parent { title url } } } }"
)
KIOSQUE_HOME = f"{{ home {{ title featuredArticles {{ {CARD} section {{ title url }} }} }} }}"
# A first-sync page of the change feed with full article nodes (bench/sync_bench.py's AppSync).
SYNC_PAGE = """query AppSync { changes(first: 100) {
  entries { id contentType kind updatedAt node { ...on ArticlePage {
    id title standfirst url publishedAt updatedAt readingTime
    section { title slug } authors { name slug role } topics { name slug kind }
    leadImage { url width height alt caption credit srcSet(sizes: [480, 960]) }
    body { blockType ... on ParagraphBlock { html } ... on HeadingBlock { text level } } } } }
  nextCursor hasMore } }"""
REST_FIELDS = ",".join(
    ["standfirst", "published_at", "lead_image", "topics"]
    + [f"lead_image_{w}" for w in (320, 480, 640, 800, 960, 1280, 1600)]
)


def _graphql(query, variables=None):
    params = {"query": query}
    if variables:
        import json

        params["variables"] = json.dumps(variables)
    return "/graphql/?" + urlencode(params)


def request_for(case: str) -> tuple[str, str, bytes | None]:
    path = os.environ.get("BENCH_ARTICLE_PATH", "/")
    if case == "kiosque_sync_page":
        import json

        return "POST", "/graphql/", json.dumps({"query": SYNC_PAGE}).encode()
    urls = {
        "kiosque_listing": _graphql(KIOSQUE_LISTING),
        "stock_listing": _graphql(STOCK_LISTING),
        "kiosque_article": _graphql(KIOSQUE_ARTICLE, {"p": path}),
        "stock_article": _graphql(STOCK_ARTICLE, {"p": path}),
        "kiosque_home": _graphql(KIOSQUE_HOME),
        "rest_listing": "/api/v2/pages/?"
        + urlencode(
            {
                "type": "news.ArticlePage",
                "fields": REST_FIELDS,
                "limit": 20,
                "order": "-first_published_at",
            }  # fmt: skip
        ),
        "static": "/listing.json",
    }
    return "GET", urls[case], None
