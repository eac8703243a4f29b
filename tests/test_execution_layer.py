"""The executor's per-field path kept short (grapple's generic field resolvers replaced by direct
ones that answer the same), root fields' cache tags, and the change feed's entries priced by its
`first`."""

from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.test import RequestFactory
from graphql import parse
from grapple.actions import model_resolver
from grapple.registry import registry
from grapple.schema import schema

from cms.graphql import cdn
from cms.graphql.limits import measure_document
from cms.graphql.types import ImageView
from news.models import ArticlePage, Author, Topic
from tests.factories import make_article, make_image, make_section, make_site

FASTLY = {"BACKEND": "fastly", "SERVICE_ID": "svc1", "API_TOKEN": "secret"}


@pytest.fixture
def newsroom(db):
    home = make_site()
    monde = make_section(home, "Monde", slug="monde")
    author = Author.objects.create(name="Claire Martin", slug="claire-martin", role="Reporter")
    topic = Topic.objects.create(name="Climat", slug="climat", kind=Topic.Kind.THEME)
    target = make_article(monde, "Cible", slug="cible")
    article = make_article(
        monde, "Article", slug="article", authors=[author], topics=[topic],
        related=[target, "https://exemple.fr/"], lead_image=make_image(),
    )  # fmt: skip
    return {"article": article, "author": author, "topic": topic}


def tags_of(client, query: str) -> set[str]:
    response = client.get("/graphql/?" + urlencode({"query": query}))
    assert response.status_code == 200, response.content
    return set(response[cdn.HEADERS["fastly"]].split(" "))


@pytest.mark.parametrize(
    ("query", "undeclared"),
    [
        ("{ sections { title } }", False),
        ("{ menu: sections { title } }", False),
        ("{ sections { title } redirects(first: 1) { edges { cursor } } }", True),
        ("{ r: redirects(first: 1) { edges { cursor } } }", True),
        ("query { ...Root } fragment Root on Query { redirects(first: 1) { edges { cursor } } }",
         True),
    ],
)  # fmt: skip
def test_a_root_field_its_app_did_not_declare_depends_on_every_change(
    client, newsroom, settings, query, undeclared
):
    settings.KIOSQUE_CDN = FASTLY
    assert ("any" in tags_of(client, query)) is undeclared


def _comparable(value):
    if isinstance(value, ImageView):
        return ("image", value.image.pk, value.alt, value.caption, value.credit)
    if isinstance(value, list | tuple):
        return [_comparable(item) for item in value]
    if hasattr(value, "_meta") and hasattr(value, "pk"):
        return (type(value).__name__, value.pk)
    if hasattr(type(value), "__slots__"):  # related links, translations
        return [_comparable(getattr(value, name, None)) for name in type(value).__slots__]
    if hasattr(value, "block_type"):  # a body block
        return (value.block_type, value.block.get_prep_value(value.value))
    return value


def test_direct_resolvers_answer_what_grapples_generic_ones_do(newsroom):
    request = RequestFactory().get("/graphql/", HTTP_HOST="localhost")
    instances = {
        ArticlePage: newsroom["article"],
        Author: newsroom["author"],
        Topic: newsroom["topic"],
    }
    replaced = []
    for model, instance in instances.items():
        node = registry.pages.get(model) or registry.snippets[model]
        for field in model.graphql_fields:
            field = field() if callable(field) else field
            ours = node.__dict__.get(f"resolve_{field.field_name}")
            if not isinstance(ours, staticmethod):
                continue  # grapple's own (managers, rich text)
            replaced.append(f"{model.__name__}.{field.field_name}")
            # A fresh copy per side: resolvers cache what they load on the instance.
            info = SimpleNamespace(context=request)
            mine = ours.__func__(type(instance).objects.get(pk=instance.pk), info)
            info = SimpleNamespace(context=RequestFactory().get("/", HTTP_HOST="localhost"))
            theirs = model_resolver(field)(node, type(instance).objects.get(pk=instance.pk), info)
            assert _comparable(mine) == _comparable(theirs), field.field_name
    # Every declared field of these types has a direct resolver (none needs grapple's).
    assert "ArticlePage.body" in replaced and "Author.name" in replaced
    assert len(replaced) == len(ArticlePage.graphql_fields) + 5 + 3


def test_the_schema_runs_the_direct_resolvers():
    article = schema.graphql_schema.get_type("ArticlePage")
    assert article.fields["standfirst"].resolve.__name__ == "read_attribute"
    assert article.fields["authors"].resolve.__name__ == "call_source"


def cost(query: str) -> int:
    (measurement,) = measure_document(schema.graphql_schema, parse(query)).measurements
    return measurement.cost


def test_the_change_feed_is_priced_by_its_page_size():
    # `entries` is the feed's connection list: a page of 100 costs ten times a page of 10, as
    # `edges` of `articles` does (it was priced at the 10-item estimate whatever `first` said).
    node = "node { ... on ArticlePage { title topics { name } } }"
    small = cost(f"{{ changes(first: 10) {{ entries {{ id {node} }} }} }}")
    large = cost(f"{{ changes(first: 100) {{ entries {{ id {node} }} }} }}")
    assert large > 9 * small
    listing = cost("{ articles(first: 100) { edges { node { title topics { name } } } } }")
    assert large >= listing


APP_SYNC = """query AppSync($since: String, $first: Int) {
  changes(since: $since, first: $first) {
    entries { id contentType kind updatedAt node { ...on ArticlePage { ...Stored } } }
    nextCursor hasMore
  }
}
fragment Stored on ArticlePage {
  id title standfirst url publishedAt updatedAt readingTime
  section { title slug } authors { name slug role } topics { name slug kind }
  leadImage { url width height alt caption credit srcSet(sizes: [480, 960]) }
  body { blockType ... on ParagraphBlock { html } ... on HeadingBlock { text level } }
}"""


def test_the_feed_serves_pages_of_250_full_articles_within_every_limit(gql, newsroom):
    page = gql.data(APP_SYNC, {"first": 250})["changes"]
    assert {e["id"] for e in page["entries"]} >= {str(newsroom["article"].pk)}
    # A variable without default is priced at the feed's largest page, and fits the budget.
    assert cost(APP_SYNC) == cost(APP_SYNC.replace("$first: Int", "$first: Int = 250"))
    assert cost(APP_SYNC) > cost(APP_SYNC.replace("$first: Int", "$first: Int = 100"))


def test_a_bigger_feed_page_is_refused_with_a_clear_error(gql, newsroom):
    payload = gql.query(APP_SYNC, {"first": 251})
    assert payload["errors"][0]["extensions"]["code"] == "BAD_ARGUMENT"
    assert "between 1 and 250" in payload["errors"][0]["message"]


def test_the_feed_page_size_is_a_setting_the_cost_model_follows(gql, newsroom, settings):
    settings.KIOSQUE = {**settings.KIOSQUE, "MAX_FEED_PAGE_SIZE": 1000}
    # 1,000 full articles exceed the cost budget: refused before anything runs.
    payload = gql.query(APP_SYNC, {"first": 1000})
    assert [e["extensions"]["code"] for e in payload["errors"]] == ["QUERY_COST_EXCEEDED"]
    # The article listing keeps its own maximum.
    listing = gql.query("{ articles(first: 101) { edges { cursor } } }")
    assert listing["errors"][0]["extensions"]["code"] == "BAD_ARGUMENT"
