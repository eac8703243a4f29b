"""The reads of the breaking-news bench (bench/peak.py), shared with its publisher."""

import json
from urllib.parse import quote

HOME = "query Home { home { title featuredArticles { title url } } sections { title slug } }"
LISTING = """query Listing($section: String) {
  articles(section: $section, first: 20) {
    totalCount edges { node { title url publishedAt standfirst section { title slug } } }
  }
}"""
ARTICLE = """query Article($slug: String!) {
  article(slug: $slug) {
    title standfirst publishedAt url section { title slug } authors { name slug }
    topics { name slug } body { blockType ... on ParagraphBlock { html } }
  }
}"""
SEARCH = """query Search($query: String!) {
  search(query: $query, first: 10) { totalCount edges { node { title url } } }
}"""
SEARCH_WORDS = ["climat", "europe", "santé", "budget"]


def path(query: str, variables: dict) -> str:
    return (
        f"/graphql/?query={quote(' '.join(query.split()))}"
        f"&variables={quote(json.dumps(variables, separators=(',', ':')))}"
    )


def listing_path(section: str | None) -> str:
    return path(LISTING, {"section": section})


def article_path(slug: str) -> str:
    return path(ARTICLE, {"slug": slug})


def workload(sections: list[str], hot: list[str]) -> list[str]:
    """GET paths weighted like a front end at a peak: the home, three rubriques, the hot
    articles, a few searches."""
    paths = [path(HOME, {})] * 6 + [listing_path(None)] * 3
    for slug in sections:
        paths += [listing_path(slug)] * 3
    for slug in hot:
        paths.append(article_path(slug))
    for word in SEARCH_WORDS:
        paths.append(path(SEARCH, {"query": word}))
    return paths
