"""Holes 1-6 and 11 of the stock stack, replayed against Kiosque's schema.

Each test sends the attack that worked on stock wagtail-grapple and checks that nothing from a
draft, unpublished, private or password-protected page comes back.
"""

import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from graphql import (
    GraphQLInterfaceType,
    GraphQLObjectType,
    get_named_type,
    is_input_type,
)
from grapple.schema import schema
from wagtail.models import Page
from wagtail_headless_preview.models import PagePreview

from news.models import ArticlePage
from tests.security_tree import (
    MARKERS,
    PUBLIC_MARKER,
    assert_no_hidden_marker,
    select_all,
    shared_tree,
)

pytestmark = pytest.mark.django_db

# Page internals stock grapple published on every page type (hole 2), camel-cased.
INTERNAL_PAGE_FIELDS = [
    "draftTitle",
    "hasUnpublishedChanges",
    "latestRevisionCreatedAt",
    "latestRevision",
    "lockedAt",
    "lockedBy",
    "locked",
    "goLiveAt",
    "expireAt",
    "expired",
    "path",
    "depth",
    "numchild",
    "translationKey",
    "live",
    "owner",
    "contentType",
    "aliasOf",
    "showInMenus",
    "firstPublishedAt",
    "searchScore",
    "children",
    "descendants",
    "ancestors",
    "siblings",
    "parent",
    "previewUrl",
    "password",
]


@pytest.fixture(scope="module")
def tree(django_db_setup, django_db_blocker):
    # Images live under a per-test MEDIA_ROOT, so this shared tree has none.
    with shared_tree(django_db_blocker, with_image=False) as built:
        yield built


def _cannot_query(payload, field: str):
    messages = [error["message"] for error in payload.get("errors", [])]
    assert any(f"Cannot query field '{field}'" in m for m in messages), messages
    assert "data" not in payload or payload["data"] is None


def _all_fields():
    gql_schema = schema.graphql_schema
    for type_ in gql_schema.type_map.values():
        if type_.name.startswith("__"):
            continue
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            for name, field in type_.fields.items():
                yield type_, name, field


# Hole 1 ---------------------------------------------------------------------------------------


@pytest.fixture
def no_limits(settings):
    # The select-everything queries below are large on purpose.
    settings.KIOSQUE_LIMITS = {
        **settings.KIOSQUE_LIMITS,
        "MAX_ALIASES": 10**6,
        "MAX_COST": 10**9,
        "MAX_TOKENS": 10**6,
    }


def _root_field_query(name: str, args: str = "") -> str:
    field = schema.graphql_schema.query_type.fields[name]
    return f"{{ {name}{args} {select_all(schema.graphql_schema, field.type, 4)} }}"


def test_search_cannot_return_drafts_unpublished_or_private_pages(gql, tree, no_limits):
    query_fields = schema.graphql_schema.query_type.fields
    if "search" not in query_fields:
        payload = gql.query('{ search(query: "zqbrouillon") { __typename } }')
        _cannot_query(payload, "search")
        return
    text_args = [
        name
        for name, arg in query_fields["search"].args.items()
        if get_named_type(arg.type).name == "String"
    ]
    for marker in MARKERS.values():
        args = "(" + " ".join(f'{a}: "{marker}"' for a in text_args) + ")" if text_args else ""
        payload = gql.query(_root_field_query("search", args))
        assert_no_hidden_marker(payload)


# Hole 2 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", INTERNAL_PAGE_FIELDS)
def test_internal_page_fields_are_not_queryable(gql, tree, field):
    payload = gql.query(f'{{ article(slug: "article-revise") {{ title {field} }} }}')
    _cannot_query(payload, field)


def test_no_page_type_exposes_page_internals():
    gql_schema = schema.graphql_schema
    interface = gql_schema.get_type("PageInterface")
    page_types = [interface, *gql_schema.get_possible_types(interface)]
    assert {t.name for t in page_types} >= {"ArticlePage", "SectionPage", "HomePage"}
    exposed = [
        f"{t.name}.{name}" for t in page_types for name in t.fields if name in INTERNAL_PAGE_FIELDS
    ]
    assert exposed == []


def test_title_of_a_page_with_an_unpublished_revision_is_the_published_one(gql, tree):
    assert Page.objects.get(pk=tree.pages["revision"].pk).draft_title.endswith(MARKERS["revision"])
    data = gql.data(
        '{ article(slug: "article-revise") { title seoTitle standfirst }'
        " articles(first: 50) { edges { node { title standfirst } } } }"
    )
    assert data["article"]["title"] == "Titre en ligne"
    assert "Titre en ligne" in [e["node"]["title"] for e in data["articles"]["edges"]]
    assert_no_hidden_marker(data)


# Hole 3 ---------------------------------------------------------------------------------------


def test_related_link_targets_that_are_not_public_are_dropped(gql, tree):
    data = gql.data(
        """{ article(slug: "article-public") {
              relatedLinks { title url isExternal page { __typename title url
                ... on ArticlePage { standfirst section { title } } } }
        } }"""
    )
    links = data["article"]["relatedLinks"]
    assert_no_hidden_marker(data)
    internal = [link for link in links if not link["isExternal"]]
    # Only the live, public target is left, typed as an article (not a generic page).
    assert [link["page"]["title"] for link in internal] == ["Un autre article"]
    assert internal[0]["page"]["__typename"] == "ArticlePage"
    assert internal[0]["page"]["section"] == {"title": "Monde"}
    assert [link["url"] for link in links if link["isExternal"]] == ["https://exemple.fr/dossier"]


def test_inline_related_blocks_resolve_only_public_articles(gql, tree):
    data = gql.data(
        """{ article(slug: "article-public") { body { __typename
              ... on InlineRelatedBlock { label article { __typename title } } } } }"""
    )
    related = [b for b in data["article"]["body"] if b["__typename"] == "InlineRelatedBlock"]
    assert len(related) == 5
    assert [b["article"] for b in related[:4]] == [None] * 4
    assert related[4]["article"] == {"__typename": "ArticlePage", "title": "Un autre article"}
    assert_no_hidden_marker(data)


def test_featured_articles_skip_drafts_unpublished_and_private_pages(gql, tree):
    data = gql.data("{ home { featuredArticles { title } } }")
    assert [a["title"] for a in data["home"]["featuredArticles"]] == [f"Article {PUBLIC_MARKER}"]
    assert_no_hidden_marker(data)


@pytest.mark.parametrize("kind", sorted(MARKERS))
def test_hidden_articles_are_not_found_by_slug_path_or_id(gql, tree, kind):
    page = tree.pages[kind]
    query = """query($slug: String, $id: ID, $path: String) {
        bySlug: article(slug: $slug) { title }
        byId: article(id: $id) { title }
        byPath: article(urlPath: $path) { title } }"""
    path = "/" + "/".join(page.url_path.strip("/").split("/")[1:]) + "/"
    data = gql.data(query, {"slug": page.slug, "id": str(page.pk), "path": path})
    if kind == "revision":  # live: found, but with its published title
        assert data["bySlug"] == {"title": "Titre en ligne"}
    else:
        assert data == {"bySlug": None, "byId": None, "byPath": None}
    assert_no_hidden_marker(data)


def test_listings_never_include_hidden_articles(gql, tree):
    data = gql.data(
        """{ articles(first: 100) { totalCount edges { node { title standfirst } } }
             byTopic: articles(topic: "climat", first: 100) { edges { node { title } } }
             sections { title } }"""
    )
    assert data["articles"]["totalCount"] == 3
    assert_no_hidden_marker(data)


# Hole 4 ---------------------------------------------------------------------------------------


def test_redirects_never_reveal_hidden_targets(gql, tree, no_limits):
    """The leak tree has a redirect to a draft; stock grapple returned its target."""
    if "redirects" not in schema.graphql_schema.query_type.fields:
        payload = gql.query("{ redirects { oldPath newUrl page { title } } }")
        _cannot_query(payload, "redirects")
        return
    payload = gql.query(_root_field_query("redirects"))
    assert "errors" not in payload, payload["errors"]
    assert_no_hidden_marker(payload)


# Hole 5 ---------------------------------------------------------------------------------------


def test_parent_is_not_a_field_and_unpublished_sections_stay_hidden(gql, tree):
    payload = gql.query('{ article(slug: "article-public") { parent { title } } }')
    _cannot_query(payload, "parent")
    data = gql.data(
        """{ hidden: section(slug: "coulisses") { title }
             private: section(slug: "interne") { title }
             sections { slug }
             child: article(slug: "article-zqrubriquecachee") { section { title } }
             live: article(slug: "article-public") { section { slug title } } }"""
    )
    assert data["hidden"] is None and data["private"] is None and data["child"] is None
    assert [s["slug"] for s in data["sections"]] == ["monde"]
    assert data["live"]["section"] == {"slug": "monde", "title": "Monde"}
    assert_no_hidden_marker(data)


# Hole 6 ---------------------------------------------------------------------------------------


def test_no_order_argument_can_be_abused_as_an_oracle(gql, tree):
    payload = gql.query('{ pages(order: "owner__password") { title } }')
    _cannot_query(payload, "pages")
    payload = gql.query('{ articles(order: "owner__password") { totalCount } }')
    messages = [e["message"] for e in payload["errors"]]
    assert messages and all("Unknown argument 'order'" in m for m in messages), messages
    for text in ("password", "owner", "draft_title"):
        assert text not in str(payload).replace("owner__password", "")
    arguments = {
        arg
        for _, _, field in _all_fields()
        for arg in field.args
        if arg.lower() in {"order", "orderby", "sort", "sortby", "filter", "where"}
    }
    assert arguments == set()


def test_every_argument_is_a_plain_scalar_with_no_model_lookups():
    for type_, name, field in _all_fields():
        for arg_name, arg in field.args.items():
            assert is_input_type(arg.type)
            scalars = {"String", "Int", "ID", "Boolean", "DateTime"}
            assert get_named_type(arg.type).name in scalars, (
                f"{type_.name}.{name}({arg_name}) takes a complex input"
            )


# Hole 11 --------------------------------------------------------------------------------------


def test_expired_preview_tokens_reveal_nothing(gql, tree, settings, monkeypatch):
    """Stock grapple resolved `page(token:)` from a preview token signed without a max age.

    Kiosque's own preview fields refuse a token older than KIOSQUE_PREVIEW_TOKEN_MAX_AGE.
    """
    draft = tree.pages["draft"]
    max_age = settings.KIOSQUE_PREVIEW_TOKEN_MAX_AGE
    signer = signing.TimestampSigner(salt="headlesspreview.token")
    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - 2 * max_age)
    token = signer.sign(f"id={draft.pk}")
    monkeypatch.setattr(signing.time, "time", real_time)
    PagePreview.objects.create(
        token=token,
        content_type=ContentType.objects.get_for_model(ArticlePage),
        content_json=ArticlePage.objects.get(pk=draft.pk).to_json(),
    )
    with pytest.raises(signing.SignatureExpired):
        signer.unsign(token, max_age=max_age)

    token_fields = [
        name
        for name, field in schema.graphql_schema.query_type.fields.items()
        if "token" in field.args
    ]
    for name in token_fields:
        payload = gql.query(
            f"query($t: String!) {{ {name}(token: $t)"
            " { __typename ... on PageInterface { title } } }",
            {"t": token},
        )
        assert_no_hidden_marker(payload)
    if not token_fields:
        payload = gql.query("query($t: String!) { page(token: $t) { title } }", {"t": token})
        _cannot_query(payload, "page")
