"""Hole 9: abuse limits. Each oversized request is refused with a code, before the database."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql import get_introspection_query, parse
from graphql.language import Lexer, Source, TokenKind
from grapple.schema import schema
from hypothesis import HealthCheck, given, settings
from hypothesis_graphql import queries

from cms.graphql import validation
from cms.graphql.limits import count_tokens, measure_document
from home.models import HomePage
from tests.factories import make_article, make_section, make_site
from tests.fuzz_budget import examples
from tests.shared_data import rolled_back

LISTING = "articles(first: 100) { edges { node { relatedLinks { page { title } } } } }"
ATTACK = "{ " + " ".join(f"a{i}: {LISTING}" for i in range(30)) + " }"


def codes(payload) -> list[str]:
    return [error["extensions"]["code"] for error in payload.get("errors", [])]


@pytest.fixture(scope="module")
def _site(django_db_setup, django_db_blocker):
    # Built once for the module (tests/shared_data.py); the tests only read it.
    with rolled_back(django_db_blocker):
        home = make_site()
        section = make_section(home, "Monde", slug="monde")
        target = make_article(section, "Cible", slug="cible")
        make_article(section, "Article", slug="article", related=[target, "https://exemple.fr/"])
        yield home.pk


@pytest.fixture
def site(db, _site):
    return HomePage.objects.get(pk=_site)


def post(client, body, **extra):
    return client.post(
        "/graphql/", data=json.dumps(body), content_type="application/json", **extra
    )


# Cost -----------------------------------------------------------------------------------------


def test_thirty_alias_listing_attack_is_refused_before_touching_the_database(client, site):
    with CaptureQueriesContext(connection) as ctx:
        response = post(client, {"query": ATTACK})
    assert response.status_code == 400
    assert codes(response.json()) == ["QUERY_COST_EXCEEDED"]
    assert "data" not in response.json()
    assert len(ctx.captured_queries) == 0


def test_one_alias_of_the_same_listing_runs(gql, site):
    data = gql.data(
        "{ a0: articles(first: 100) { edges { node { relatedLinks { page { title } } } } } }"
    )
    links = [link for e in data["a0"]["edges"] for link in e["node"]["relatedLinks"]]
    assert {"page": {"title": "Cible"}} in links


def cost(query: str) -> int:
    """The estimated cost of the document's one operation, as the request path measures it."""
    (measurement,) = measure_document(schema.graphql_schema, parse(query)).measurements
    return measurement.cost


def test_cost_multiplies_nested_list_sizes():
    small = cost("{ articles(first: 10) { edges { node { title } } } }")
    large = cost("{ articles(first: 100) { edges { node { title } } } }")
    nested = cost("{ articles(first: 100) { edges { node { topics { name } } } } }")
    assert small < large < nested
    # `first` taken from a variable without default counts as the largest page.
    assert cost("query($n: Int) { articles(first: $n) { edges { node { title } } } }") == large
    assert cost("query($n: Int = 10) { articles(first: $n) { edges { node { title } } } }") == (
        small
    )


def test_type_conditions_on_an_interface_are_alternatives_not_a_sum():
    one = "... on ParagraphBlock { html }"
    seven = " ".join(
        f"... on {name} {{ __typename id }}"
        for name in ("HeadingBlock", "PullQuoteBlock", "EmbedBodyBlock", "FactBoxBlock")
    )
    base = '{{ article(slug: "x") {{ body {{ {} }} }} }}'
    assert cost(base.format(one)) == cost(base.format(one + " " + seven))


def test_cost_budget_is_configurable(gql, site, settings):
    query = "{ articles(first: 50) { edges { node { title } } } }"
    assert "errors" not in gql.query(query)
    settings.KIOSQUE_LIMITS = {**settings.KIOSQUE_LIMITS, "MAX_COST": 50}
    payload = gql.query(query)
    assert codes(payload) == ["QUERY_COST_EXCEEDED"]
    assert "ask for fewer items" in payload["errors"][0]["message"]


FRONTEND_QUERIES = {
    "home": """{ home { title tagline featuredArticles { ...Card } } sections { title slug url }
        latest: articles(first: 20) { edges { node { ...Card } } } }""",
    "listing": """query($after: String) { articles(first: 100, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ...Card } } } }""",
    "article": """{ article(slug: "article") { ...Card seoTitle searchDescription updatedAt
        socialImage { url width height } relatedLinks { title url isExternal page { ...Card } }
        body { __typename id ... on ParagraphBlock { html } ... on HeadingBlock { text level }
          ... on PullQuoteBlock { text attribution attributionRole }
          ... on BodyImageBlock { image { url alt caption credit srcSet } }
          ... on EmbedBodyBlock { url caption provider }
          ... on InlineRelatedBlock { label article { ...Card } }
          ... on FactBoxBlock { title html } } } }""",
}
CARD = """fragment Card on ArticlePage { __typename id title url urlPath standfirst publishedAt
    readingTime leadImage { url width height alt caption credit srcSet(sizes: [320, 640]) }
    section { title slug url } authors { name slug role } topics { name slug kind } }"""


@pytest.mark.parametrize("name", sorted(FRONTEND_QUERIES))
def test_realistic_frontend_queries_are_within_every_limit(gql, site, name):
    payload = gql.query(FRONTEND_QUERIES[name] + CARD)
    assert "errors" not in payload, payload["errors"]


# Depth ----------------------------------------------------------------------------------------


def nested(depth: int) -> str:
    """A valid query exactly `depth` fields deep (article > relatedLinks > page > ...)."""
    pairs, extra = divmod(depth - 2, 2)
    inner = "title" if not extra else "relatedLinks { url }"
    for _ in range(pairs):
        inner = f"relatedLinks {{ page {{ ... on ArticlePage {{ {inner} }} }} }}"
    return f'{{ article(slug: "article") {{ {inner} }} }}'


@pytest.fixture
def no_cost_limit(settings):
    # Every deep query of this schema nests lists; only depth is under test here.
    settings.KIOSQUE_LIMITS = {**settings.KIOSQUE_LIMITS, "MAX_COST": 10**9}


def test_depth_limit(gql, site, no_cost_limit):
    assert "errors" not in gql.query(nested(10))
    payload = gql.query(nested(11))
    assert codes(payload) == ["MAX_DEPTH_EXCEEDED"]
    assert payload["errors"][0]["message"] == "The query is nested too deeply (limit 10 levels)."


def test_depth_is_counted_through_fragments(gql, site, no_cost_limit):
    query = """{ article(slug: "article") { ...A } }
        fragment A on ArticlePage { relatedLinks { page { ...B } } }
        fragment B on ArticlePage { relatedLinks { page { ...C } } }
        fragment C on ArticlePage { relatedLinks { page { ...D } } }
        fragment D on ArticlePage { relatedLinks { page { ...E } } }
        fragment E on ArticlePage { relatedLinks { page { title } } }"""
    assert codes(gql.query(query)) == ["MAX_DEPTH_EXCEEDED"]


@pytest.mark.parametrize("introspection", [True, False])
def test_deeply_nested_introspection_is_refused(gql, db, settings, introspection):
    settings.KIOSQUE_GRAPHQL_INTROSPECTION = introspection
    inner = "name"
    for _ in range(30):
        inner = f"ofType {{ {inner} }}"
    payload = gql.query(f"{{ __schema {{ types {{ fields {{ type {{ {inner} }} }} }} }} }}")
    assert "MAX_DEPTH_EXCEEDED" in codes(payload)


def test_long_fragment_chains_are_refused_cleanly(gql, db):
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(80))
    payload = gql.query(f"{{ ...F0 }} {chain} fragment F80 on Query {{ __typename }}")
    assert codes(payload) == ["QUERY_COST_EXCEEDED"]


def test_depth_limit_is_configurable(gql, site, settings):
    settings.KIOSQUE_LIMITS = {**settings.KIOSQUE_LIMITS, "MAX_DEPTH": 3}
    assert "errors" not in gql.query("{ articles { edges { cursor } } }")
    assert codes(gql.query("{ articles { edges { node { title } } } }")) == ["MAX_DEPTH_EXCEEDED"]


# Aliases --------------------------------------------------------------------------------------


def test_alias_limit(gql, site):
    ok = "{ " + " ".join(f"s{i}: sections {{ title }}" for i in range(30)) + " }"
    assert "errors" not in gql.query(ok)
    too_many = "{ " + " ".join(f"s{i}: __typename" for i in range(31)) + " }"
    payload = gql.query(too_many)
    assert codes(payload) == ["MAX_ALIASES_EXCEEDED"]
    assert payload["errors"][0]["message"] == "The query uses more than 30 aliases."


def test_aliases_are_counted_through_fragment_spreads(gql, site):
    fragment = " ".join(f"t{i}: title" for i in range(10))
    query = (
        '{ a: article(slug: "article") { ...F } b: article(slug: "cible") { ...F }'
        ' c: article(slug: "x") { ...F } }'
        f" fragment F on ArticlePage {{ {fragment} }}"
    )
    assert query.count(":") - 3 < 30  # written out, the aliases look few
    assert codes(gql.query(query)) == ["MAX_ALIASES_EXCEEDED"]


def test_two_thousand_aliases_are_refused_without_parsing(gql, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(validation, "parse", fail)
    query = "{ " + " ".join(f"a{i}: __typename" for i in range(2000)) + " }"
    assert codes(gql.query(query)) == ["MAX_TOKENS_EXCEEDED"]


# Repeated fields (graphql-core's overlapping-fields check is quadratic in them) --------------


def test_repeated_fields_are_refused_before_the_spec_rules_run(gql, site, monkeypatch):
    from graphql import ValidationRule

    class Tripwire(ValidationRule):
        def __init__(self, context):
            raise AssertionError("spec rules ran")

    query = "{ " + " ".join(["home { title }"] * 200) + " }"
    monkeypatch.setattr(validation, "specified_rules", (Tripwire,))
    payload = gql.query(query)
    assert codes(payload) == ["MAX_FIELD_REPEATS_EXCEEDED"]


def test_a_few_repeats_are_fine(gql, site):
    # Apollo-style documents repeat __typename and fields shared by fragments.
    query = """{ article(slug: "article") { __typename title ...A ...B } }
        fragment A on ArticlePage { __typename title url }
        fragment B on ArticlePage { __typename title slug }"""
    assert gql.data(query)["article"]["title"] == "Article"


# Tokens ---------------------------------------------------------------------------------------


def test_token_limit_is_checked_before_parsing(gql, db, settings, monkeypatch):
    settings.KIOSQUE_LIMITS = {**settings.KIOSQUE_LIMITS, "MAX_TOKENS": 20}
    assert "errors" not in gql.query("{ sections { title slug } }")

    def fail(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(validation, "parse", fail)
    payload = gql.query("{ sections { " + "title " * 20 + "} }")
    assert codes(payload) == ["MAX_TOKENS_EXCEEDED"]
    assert payload["errors"][0]["message"] == "The query has more than 20 tokens."


def test_comments_count_as_tokens(gql, settings):
    settings.KIOSQUE_LIMITS = {**settings.KIOSQUE_LIMITS, "MAX_TOKENS": 20}
    query = "{ sections { title } }" + "\n#" * 30
    assert codes(gql.query(query)) == ["MAX_TOKENS_EXCEEDED"]


def _lexer_tokens(source: str) -> int:
    lexer = Lexer(Source(source))
    count = 0
    while lexer.advance().kind != TokenKind.EOF:
        count += 1
    return count


@settings(
    max_examples=examples(50, full=1500),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(queries(schema.graphql_schema))
def test_token_count_matches_graphql_lexer(query):
    assert count_tokens(query, 10**6) == _lexer_tokens(query)


@pytest.mark.parametrize(
    "source",
    [
        '{ a(s: "x { y } z", b: """bloc "" { } \\""" """) }',
        "query($v: [Int!]! = [1, -2.5e3]) @dir(a: $v) { ...F ... on T { b } }",
        "{ a } # commentaire { b c }\n",
        '{ a(s: "é \\u00e9 \\n") }',
    ],
)
def test_token_count_handles_strings_comments_and_numbers(source):
    comments = source.count("#")
    assert count_tokens(source, 10**6) == _lexer_tokens(source) + comments


def test_token_count_stays_linear_on_unterminated_strings():
    hostile = '"""x' * 16_000 + '"x' * 16_000
    assert count_tokens(hostile, 5000) == 5001


# Page sizes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("first", [0, -1, 101, 10_000])
def test_page_size_is_bounded(gql, site, first):
    payload = gql.query("query($n: Int) { articles(first: $n) { totalCount } }", {"n": first})
    assert codes(payload) == ["BAD_ARGUMENT"]
    assert payload["errors"][0]["message"] == "`first` must be between 1 and 100."


# Body size and batching -----------------------------------------------------------------------


def test_oversized_body_is_refused_with_413(client, db):
    body = {"query": "{ __typename }", "variables": {"pad": "x" * 70_000}}
    with CaptureQueriesContext(connection) as ctx:
        response = post(client, body)
    assert response.status_code == 413
    assert response.json() == {
        "errors": [
            {
                "message": "The request body is too large (limit 65536 bytes).",
                "extensions": {"code": "REQUEST_TOO_LARGE"},
            }
        ]
    }
    assert len(ctx.captured_queries) == 0


def test_body_limit_is_configurable(client, settings):
    settings.KIOSQUE_LIMITS = {**settings.KIOSQUE_LIMITS, "MAX_BODY_BYTES": 100}
    assert post(client, {"query": "{ __typename }"}).status_code == 200
    assert post(client, {"query": "{ __typename }" + " " * 100}).status_code == 413


def test_overlong_get_url_is_refused(client, settings):
    settings.KIOSQUE_LIMITS = {**settings.KIOSQUE_LIMITS, "MAX_URL_BYTES": 100}
    response = client.get("/graphql/", {"query": "{ __typename }" + " " * 200})
    assert response.status_code == 414
    assert codes(response.json()) == ["REQUEST_TOO_LARGE"]


def test_batched_requests_are_refused(client, db):
    batch = [{"query": "{ sections { title } }"}] * 500
    with CaptureQueriesContext(connection) as ctx:
        response = post(client, batch)
    assert response.status_code == 400
    assert codes(response.json()) == ["BATCH_NOT_SUPPORTED"]
    assert len(ctx.captured_queries) == 0


# The spec's rules still apply -----------------------------------------------------------------


def test_unknown_fields_are_still_errors_and_typename_still_works(gql, site):
    payload = gql.query("{ sections { title nope } }")
    assert codes(payload) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "Cannot query field 'nope'" in payload["errors"][0]["message"]
    data = gql.data(
        '{ __typename sections { __typename } article(slug: "article") { __typename } }'
    )
    assert data["__typename"] == "Query"
    assert data["article"] == {"__typename": "ArticlePage"}


def test_graphiql_introspection_query_fits_the_limits_when_enabled(gql, settings):
    settings.KIOSQUE_GRAPHQL_INTROSPECTION = True
    payload = gql.query(get_introspection_query(descriptions=True))
    assert "errors" not in payload
    assert payload["data"]["__schema"]["queryType"]["name"] == "Query"
