"""The public GraphQL endpoint (POST and GET at /graphql/) and GraphiQL for development."""

from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView

from cms.graphql import cache as http_cache
from cms.graphql import persisted
from cms.graphql.dependencies import DependencyMiddleware
from cms.graphql.security import RequestError, SecureGraphQLMixin, check_url_size
from cms.upstream import unwrapped_dispatch

# Without graphene-django's CSRF cookie, which would make every answer uncacheable.
_dispatch_without_csrf_cookie = unwrapped_dispatch(GraphQLView)


def answers_from_url_only(request) -> bool:
    """A GET is answered from its URL alone: any body (and its Content-Type) is ignored.

    Apollo sends `Content-Type: application/json` with an empty body on GET; graphene-django
    would parse that body, and would take `variables`, `operationName` or `query` from a body
    sent with a GET, so a cached answer could differ from what its URL asks for.
    """
    return request.method == "GET"


def refuse_a_body_in_place_of_the_url(request) -> None:
    """A GET whose URL asks nothing but which carries a body (some clients put the query
    there) gets told where the parameters go, instead of a bare "Must provide query string"."""
    asks = request.GET.get("query") or request.GET.get("extensions")
    if not asks and request.META.get("CONTENT_LENGTH") not in (None, "", "0"):
        raise RequestError(
            400,
            "BAD_REQUEST",
            "A GET request is read from its URL only: send query, variables and operationName"
            " as URL parameters, or use POST.",
        )


class KiosqueGraphQLView(SecureGraphQLMixin, GraphQLView):
    """Anonymous, read-mostly API: no session or CSRF cookie is needed to query it."""

    def parse_body(self, request):
        if answers_from_url_only(request):
            check_url_size(request)
            refuse_a_body_in_place_of_the_url(request)
            return {}
        return super().parse_body(request)

    def get_middleware(self, request):
        # Root fields their apps did not declare make the answer depend on every change.
        return [*(super().get_middleware(request) or ()), DependencyMiddleware()]

    def dispatch(self, request, *args, **kwargs):
        if self.graphiql and request.method == "GET" and self.request_wants_html(request):
            return _dispatch_without_csrf_cookie(self, request, *args, **kwargs)
        return http_cache.serve(
            request,
            lambda: persisted.handle(
                request, lambda: _dispatch_without_csrf_cookie(self, request, *args, **kwargs)
            ),
        )


graphql_view = csrf_exempt(KiosqueGraphQLView.as_view(graphiql=False))
graphiql_view = csrf_exempt(KiosqueGraphQLView.as_view(graphiql=True))
