"""Every ```graphql block in README.md and docs/ is a named operation that validates against the
committed schema.graphql, so a copied example works in any GraphQL tool (Apollo, codegen, gql),
and a renamed field breaks the docs' test rather than a reader's build.

Blocks are found again on every run, so examples added to any doc are checked too. A block that
shows schema definitions rather than an operation belongs in a ```graphqls fence."""

import re
from pathlib import Path

import pytest
from graphql import (
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    build_schema,
    parse,
    validate,
)

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```graphql[ \t]*\n(?P<body>.*?)^(?P=indent)```", re.M | re.S
)


def doc_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def graphql_blocks(text: str) -> list[tuple[int, str]]:
    """(line of the opening fence, source) for each ```graphql block, indentation removed."""
    found = []
    for match in FENCE.finditer(text):
        indent = len(match.group("indent"))
        source = "".join(line[indent:] for line in match.group("body").splitlines(keepends=True))
        found.append((text.count("\n", 0, match.start()) + 1, source))
    return found


def problems(source: str, schema: GraphQLSchema) -> list[str]:
    """What keeps a documented block from being used as is; empty when it is fine."""
    try:
        document = parse(source)
    except GraphQLError as error:
        return [f"syntax: {error.message}"]
    found = [
        f"anonymous {d.operation.value}: give it a name"
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode) and d.name is None
    ]
    if not any(isinstance(d, OperationDefinitionNode) for d in document.definitions):
        found.append("no operation (schema definitions go in a ```graphqls block)")
    return found + [error.message for error in validate(schema, document)]


@pytest.fixture(scope="module")
def committed_schema() -> GraphQLSchema:
    return build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))


BLOCKS = {
    f"{path.relative_to(ROOT)}:{line}": source
    for path in doc_files()
    for line, source in graphql_blocks(path.read_text(encoding="utf-8"))
}


def test_the_docs_hold_graphql_examples_to_check():
    # Guards the extraction itself: the README and the API guide both show queries.
    files = {key.rsplit(":", 1)[0] for key in BLOCKS}
    assert {"README.md", "docs/api.md", "docs/newsletter.md"} <= files


@pytest.mark.parametrize("where", sorted(BLOCKS))
def test_documented_graphql_is_a_named_valid_operation(where, committed_schema):
    assert problems(BLOCKS[where], committed_schema) == [], where


def test_the_check_rejects_anonymous_and_unknown_and_broken_blocks(committed_schema):
    assert problems("query Sections { sections { slug } }", committed_schema) == []
    assert problems("{ sections { slug } }", committed_schema) == [
        "anonymous query: give it a name"
    ]
    assert problems("mutation { noSuchMutation }", committed_schema)[0] == (
        "anonymous mutation: give it a name"
    )
    assert any(
        "noSuchField" in p
        for p in problems("query Q { sections { noSuchField } }", committed_schema)
    )
    assert problems("query Q { sections {", committed_schema)[0].startswith("syntax:")
    assert problems("type Extra { x: Int }", committed_schema)[0].startswith("no operation")


def test_indented_fences_and_their_lines_are_found():
    text = "intro\n\n- item\n\n  ```graphql\n  query A { sections { slug } }\n  ```\n"
    assert graphql_blocks(text) == [(5, "query A { sections { slug } }\n")]
