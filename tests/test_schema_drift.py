"""The committed schema.graphql is exactly the schema the server builds."""

from pathlib import Path

from graphql import print_schema

REGENERATE = (
    ".venv/bin/python manage.py graphql_schema --schema grapple.schema.schema --out schema.graphql"
)
SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


def _normalise(sdl: str) -> str:
    return "\n".join(line.rstrip() for line in sdl.strip().splitlines())


def _printed_schema() -> str:
    from grapple.schema import schema

    # The same function `manage.py graphql_schema --out schema.graphql` writes with.
    return print_schema(schema.graphql_schema)


def test_committed_schema_matches_the_built_schema():
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert _normalise(_printed_schema()) == _normalise(committed), (
        f"schema.graphql is out of date with the code. Regenerate it with:\n  {REGENERATE}\n"
        "then review the diff: any removed or changed field breaks published clients."
    )


def test_graphql_schema_command_writes_what_the_drift_test_compares(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.graphql"
    call_command("graphql_schema", schema="grapple.schema.schema", out=str(out), stdout=None)
    assert _normalise(out.read_text(encoding="utf-8")) == _normalise(_printed_schema())


def test_schema_exposes_only_the_public_root_fields():
    from grapple.schema import schema

    query = schema.graphql_schema.query_type
    assert set(query.fields) == {
        "home", "sections", "section", "article", "articles",  # news
        "preview", "changes", "redirects",  # delivery
        "search",  # search
        "newsletterBox",  # newsletter
    }  # fmt: skip
