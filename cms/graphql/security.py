"""The hardened request handling of the GraphQL view, as a mixin over graphene-django's view.

Every malformed request gets a JSON error with a code and a 4xx status, never a 500: body
size, content type, JSON shape (batches refused), parameter types. Documents go through
`cms.graphql.validation.document_for` (limits first, then the spec rules), and every error is
formatted by `cms.graphql.errors.format_error` (unexpected failures masked).
"""

from __future__ import annotations

import json

from django.core.exceptions import SuspiciousOperation
from django.db import connection, transaction
from django.http import HttpResponse
from graphene_django.constants import MUTATION_ERRORS_FLAG
from graphene_django.settings import graphene_settings
from graphene_django.views import HttpError
from graphql import ExecutionResult, OperationType, execute, get_operation_ast

from cms.graphql import preflight
from cms.graphql.documents import cached_document_for
from cms.graphql.errors import format_error
from cms.graphql.limits import (
    DEADLINE_ATTRIBUTE,
    DeadlineExecutionContext,
    deadline,
    get_limits,
    time_exceeded_error,
    timed_out,
)
from cms.graphql.validation import nul_errors, suggestions_enabled, surrogate_errors

JSON = "application/json"
FORM_TYPES = ("application/x-www-form-urlencoded",)


class RequestError(HttpError):
    """A refused HTTP request; its message is written for the client."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(HttpResponse(status=status, content_type=JSON), message)
        self.kiosque_code = code


def _bad_request(message: str, code: str = "BAD_REQUEST") -> RequestError:
    return RequestError(400, code, message)


def json_loads(text):
    """json.loads, with input nested too deeply for the parser reported like any bad JSON
    (the parser raises RecursionError, which callers would not expect)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def check_url_size(request) -> None:
    url_limit = get_limits()["MAX_URL_BYTES"]
    if len(request.META.get("QUERY_STRING", "")) > url_limit:
        raise RequestError(
            414, "REQUEST_TOO_LARGE", f"The URL is too long (limit {url_limit} bytes)."
        )


def check_request_size(request) -> None:
    check_url_size(request)
    limit = get_limits()["MAX_BODY_BYTES"]
    raw_length = request.META.get("CONTENT_LENGTH") or "0"
    try:
        length = int(raw_length)
    except ValueError:
        raise _bad_request("The Content-Length header is not a number.") from None
    if length > limit:
        raise RequestError(
            413, "REQUEST_TOO_LARGE", f"The request body is too large (limit {limit} bytes)."
        )


def decoded_body(request) -> str:
    body = request.body
    limit = get_limits()["MAX_BODY_BYTES"]
    if len(body) > limit:
        raise RequestError(
            413, "REQUEST_TOO_LARGE", f"The request body is too large (limit {limit} bytes)."
        )
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad_request("The request body is not valid UTF-8.") from None


class SecureGraphQLMixin:
    """Put first in the bases of a graphene-django GraphQLView subclass."""

    batch = False

    def parse_body(self, request):
        check_request_size(request)
        content_type = self.get_content_type(request)
        if content_type == JSON:
            try:
                payload = json_loads(decoded_body(request))
            except ValueError:
                raise _bad_request("The request body is not valid JSON.") from None
            if isinstance(payload, list):
                raise _bad_request(
                    "Batched requests are not supported: send one operation per request.",
                    "BATCH_NOT_SUPPORTED",
                )
            if not isinstance(payload, dict):
                raise _bad_request("The request body must be a JSON object.")
            return payload
        if content_type == "application/graphql":
            return {"query": decoded_body(request)}
        if content_type in FORM_TYPES:
            try:
                return request.POST
            except SuspiciousOperation:  # too many fields, for one
                raise _bad_request("The form body could not be read.") from None
        if request.method == "POST" and content_type:
            raise RequestError(
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                "Send the query as application/json (or application/graphql).",
            )
        return {}

    @staticmethod
    def get_graphql_params(request, data):
        query = request.GET.get("query") or data.get("query")
        variables = request.GET.get("variables") or data.get("variables")
        operation_name = request.GET.get("operationName") or data.get("operationName")
        if query is not None and not isinstance(query, str):
            raise _bad_request("`query` must be a string.")
        if isinstance(variables, str):
            try:
                variables = json_loads(variables) if variables.strip() else None
            except ValueError:
                raise _bad_request("`variables` is not valid JSON.") from None
        if variables is not None and not isinstance(variables, dict):
            raise _bad_request("`variables` must be a JSON object.")
        if operation_name in ("", "null"):
            operation_name = None
        if operation_name is not None and not isinstance(operation_name, str):
            raise _bad_request("`operationName` must be a string.")
        return query, variables, operation_name, None

    def execute_graphql_request(
        self, request, data, query, variables, operation_name, show_graphiql=False
    ):
        if not query:
            if show_graphiql:
                return None
            raise _bad_request("Must provide query string.")
        setattr(request, DEADLINE_ATTRIBUTE, deadline())
        errors = surrogate_errors(query, variables, operation_name)
        if errors:
            return ExecutionResult(data=None, errors=errors)
        schema = self.schema.graphql_schema
        document, errors = cached_document_for(schema, query)
        if errors:
            return ExecutionResult(data=None, errors=errors)
        operation_ast = get_operation_ast(document, operation_name)
        errors = surrogate_errors(query, None, None, document)
        if errors:
            return ExecutionResult(data=None, errors=errors)
        if operation_ast is None or operation_ast.operation == OperationType.QUERY:
            # Query arguments are database lookups; mutations validate their own input.
            errors = nul_errors(query, document, variables)
            if errors:
                return ExecutionResult(data=None, errors=errors)
        if (
            request.method.lower() == "get"
            and operation_ast is not None
            and operation_ast.operation != OperationType.QUERY
        ):
            if show_graphiql:
                return None
            raise RequestError(
                405,
                "METHOD_NOT_ALLOWED",
                f"Can only perform a {operation_ast.operation.value} operation from a POST"
                " request.",
            )
        if preflight.is_cross_site_capable_write(request, operation_ast):
            raise RequestError(415, "UNSUPPORTED_MEDIA_TYPE", preflight.REFUSAL)
        options = {
            "root_value": self.get_root_value(request),
            "context_value": self.get_context(request),
            "variable_values": variables,
            "operation_name": operation_name,
            "middleware": self.get_middleware(request),
            "hide_suggestions": not suggestions_enabled(),
        }
        options["execution_context_class"] = (
            self.execution_context_class or DeadlineExecutionContext
        )
        try:
            if (
                operation_ast is not None
                and operation_ast.operation == OperationType.MUTATION
                and (
                    graphene_settings.ATOMIC_MUTATIONS is True
                    or connection.settings_dict.get("ATOMIC_MUTATIONS", False) is True
                )
            ):
                with transaction.atomic():
                    result = execute(schema, document, **options)
                    if getattr(request, MUTATION_ERRORS_FLAG, False) is True:
                        transaction.set_rollback(True)
            else:
                result = execute(schema, document, **options)
        except Exception as error:  # masked by format_error, logged there
            return ExecutionResult(errors=[error])
        is_query = operation_ast is None or operation_ast.operation == OperationType.QUERY
        if is_query and timed_out(result.errors or ()):
            # Half an answer would be cached and trusted: the client gets the one error. A
            # mutation keeps its partial answer: the fields that ran did write.
            return ExecutionResult(data=None, errors=[time_exceeded_error()])
        return result

    format_error = staticmethod(format_error)
