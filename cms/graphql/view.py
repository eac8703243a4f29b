"""The public GraphQL endpoint (POST and GET at /graphql/) and GraphiQL for development."""

from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView

from cms.graphql import cache as http_cache
from cms.graphql import persisted
from cms.graphql.security import SecureGraphQLMixin

# graphene-django wraps dispatch in ensure_csrf_cookie, which sets a cookie and `Vary: Cookie`
# on every response and so defeats every HTTP cache; the API needs no CSRF cookie.
_dispatch_without_csrf_cookie = GraphQLView.dispatch.__wrapped__


class KiosqueGraphQLView(SecureGraphQLMixin, GraphQLView):
    """Anonymous, read-mostly API: no session or CSRF cookie is needed to query it."""

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
