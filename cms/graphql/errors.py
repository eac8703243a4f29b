"""Client-facing errors: a stable message and a machine-readable code, never Python internals.

Errors a resolver raises on purpose are `client_error(...)`s and reach the client as they are.
GraphQL's own parse, validation and input errors describe the query, not the server, and
pass too. Anything else is an unexpected failure: the client gets "Internal error" with the
code INTERNAL_ERROR, and the log gets the details.
"""

import logging

from graphene_django.views import HttpError
from graphql import GraphQLError, GraphQLSyntaxError

logger = logging.getLogger("kiosque.graphql")

INTERNAL_ERROR = "INTERNAL_ERROR"
INTERNAL_MESSAGE = "Internal error"
BAD_USER_INPUT = "BAD_USER_INPUT"
HTTP_CODES = {405: "METHOD_NOT_ALLOWED", 413: "REQUEST_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE"}


def client_error(code: str, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def is_client_error(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None:
        # Built by graphql-core while parsing or validating, or by Kiosque.
        return True
    if not isinstance(original, GraphQLError):
        return False
    if (original.extensions or {}).get("code"):
        return True
    # Without a path the error came before execution: graphql-core's report on the
    # request's variables. With one, a resolver raised it without meaning to.
    return error.path is None


def format_error(error: Exception) -> dict:
    """The JSON form of one error, masked unless it is meant for the client."""
    if isinstance(error, GraphQLError) and is_client_error(error):
        formatted = dict(error.formatted)
        extensions = dict(formatted.get("extensions") or {})
        if "code" not in extensions:
            extensions["code"] = (
                "GRAPHQL_PARSE_FAILED" if isinstance(error, GraphQLSyntaxError) else BAD_USER_INPUT
            )
        formatted["extensions"] = extensions
        return formatted
    if isinstance(error, HttpError):
        # A refused HTTP request: its text is written for the client (ours or graphene's).
        code = getattr(error, "kiosque_code", None) or HTTP_CODES.get(
            error.response.status_code, "BAD_REQUEST"
        )
        return {"message": str(error.message), "extensions": {"code": code}}
    original = getattr(error, "original_error", None) or error
    logger.error(
        "GraphQL request failed: %s",
        getattr(error, "path", None) or "",
        exc_info=(type(original), original, original.__traceback__),
    )
    masked: dict = {"message": INTERNAL_MESSAGE, "extensions": {"code": INTERNAL_ERROR}}
    if isinstance(error, GraphQLError):
        formatted = error.formatted
        if formatted.get("locations"):
            masked["locations"] = formatted["locations"]
        if error.path is not None:
            masked["path"] = error.path
    return masked
