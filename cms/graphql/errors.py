"""Client-facing errors: a stable message and a machine-readable code, never Python internals."""

from graphql import GraphQLError


def client_error(code: str, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})
