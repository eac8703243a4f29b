"""Every GraphQL example in docs/api.md runs without errors against a small newsroom with an
English edition and a redirect; tests/test_demo_content.py runs them on the demo newsroom too."""

import re
from pathlib import Path

import pytest
from graphql import OperationDefinitionNode, parse
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Locale

from tests.factories import (
    dated,
    feature,
    make_article,
    make_image,
    make_section,
    make_site,
    paragraph,
)

DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def operation(source: str) -> OperationDefinitionNode:
    (op,) = [d for d in parse(source).definitions if isinstance(d, OperationDefinitionNode)]
    return op


EXAMPLES = {operation(source).name.value: source for source in blocks("graphql")}


def test_the_guide_has_the_promised_examples():
    assert {"FrontPage", "ArticlePage", "MoreArticles", "Sync", "PreviewArticle",
            "PreviewAnyPage", "Search", "Subscribe", "Redirects"} <= EXAMPLES.keys()  # fmt: skip


@pytest.fixture
def newsroom(db):
    home = make_site()
    international = make_section(home, "International", slug="international")
    make_section(home, "Culture", slug="culture", menu_order=2)
    image = make_image("Port de Dakar")
    articles = [
        make_article(
            international,
            f"Article {n}",
            published_at=dated(n),
            lead_image=image if n == 0 else None,
            body=[
                paragraph("<p>Un paragraphe.</p>"),
                ("heading", {"text": "Un intertitre", "level": 2}),
            ],
        )
        for n in range(3)
    ]
    feature(home, articles[0])
    en = Locale.objects.get(language_code="en")
    for page in (home, international, articles[0]):
        copy = page.copy_for_translation(en)
        copy.save_revision().publish()
    Redirect.objects.create(old_path="/ancienne-adresse", redirect_page=articles[1])
    return {"home": home, "article": articles[0]}


def variables_for(op, newsroom, **overrides) -> dict:
    article = newsroom["article"]
    known = {
        "path": article.url_path[len(newsroom["home"].url_path) - 1 :],
        "locale": "fr",
        "after": None,
        "since": None,
        "updatedSince": "2020-01-01T00:00:00+00:00",
        "query": "article",
        "email": "lectrice@example.org",
        **overrides,
    }
    if op.name.value == "PreviewArticle":
        known["token"] = article.specific.create_page_preview().token
    elif op.name.value == "PreviewAnyPage":
        known["token"] = newsroom["home"].specific.create_page_preview().token
    values = {}
    for definition in op.variable_definitions:
        name = definition.variable.name.value
        assert name in known, f"add a value for ${name} to the docs test"
        values[name] = known[name]
    return values


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_example_runs(gql, newsroom, name):
    from grapple.schema import schema

    source = EXAMPLES[name]
    op = operation(source)
    root = (
        schema.graphql_schema.mutation_type
        if op.operation.value == "mutation"
        else (schema.graphql_schema.query_type)
    )
    fields = {sel.name.value for sel in op.selection_set.selections}
    assert fields <= root.fields.keys(), f"{name} uses unknown root fields"
    data = gql.data(source, variables_for(op, newsroom))
    assert all(value is not None for value in data.values()), data


def test_the_signature_recipe_in_the_guide_verifies_real_signatures():
    import time

    from delivery.webhooks import sign

    (recipe,) = blocks("python")
    namespace = {}
    exec(recipe, namespace)  # noqa: S102 - our own documentation
    body = b'{"event":"article.published"}'
    stamp = int(time.time())
    headers = {"X-Kiosque-Timestamp": str(stamp), "X-Kiosque-Signature": sign("s", stamp, body)}
    assert namespace["verify"](b"s", headers, body)
    assert not namespace["verify"](b"s", headers, body + b"!")
