"""Add queries to the committed persisted-query registry (persisted_queries.json).

    python manage.py register_persisted_queries frontend/queries/*.graphql
    python manage.py register_persisted_queries persisted-query-manifest.json

A .graphql file is registered as one document, byte for byte (clients must send the same text);
a .json file is read as an Apollo persisted query manifest ({"operations": [{"body": ...}]}).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.graphql import persisted


class Command(BaseCommand):
    help = "Register GraphQL documents in the persisted-query registry file."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help=".graphql documents or Apollo manifests")

    def handle(self, *args, files, **options):
        from graphql import parse
        from graphql.error import GraphQLSyntaxError

        queries = {}
        for name in files:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name}: no such file.")
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".json":
                try:
                    bodies = [op["body"] for op in json.loads(text)["operations"]]
                except (ValueError, KeyError, TypeError) as exc:
                    raise CommandError(f"{name}: not a persisted query manifest.") from exc
            else:
                bodies = [text]
            for body in bodies:
                try:
                    parse(body)
                except GraphQLSyntaxError as exc:
                    raise CommandError(f"{name}: {exc.message}") from exc
                queries[persisted.sha256(body)] = body
        path = persisted.write_registry(queries)
        self.stdout.write(f"{len(queries)} quer{'y' if len(queries) == 1 else 'ies'} in {path}.")
