"""Writes only from requests a browser will not send cross-site without a CORS preflight.

An HTML form (urlencoded, multipart, text/plain) or a `no-cors` fetch can POST to any origin
without asking; the browser only hides the answer. A mutation is therefore executed only when the
request's Content-Type is one of the two non-simple types the endpoint reads: a cross-site page
would need a preflight first, and CORS (CORS_ALLOWED_ORIGINS) refuses it for foreign origins.
"""

from graphql import OperationDefinitionNode, OperationType

WRITE_CONTENT_TYPES = frozenset({"application/json", "application/graphql"})
REFUSAL = "Mutations must be sent with Content-Type: application/json."


def request_content_type(request) -> str:
    return request.META.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()


def is_cross_site_capable_write(request, operation: OperationDefinitionNode | None) -> bool:
    """True for a mutation in a request any web page could have made its visitors send."""
    if operation is None or operation.operation == OperationType.QUERY:
        return False
    return request_content_type(request) not in WRITE_CONTENT_TYPES
