"""The public GraphQL endpoint (POST and GET at /graphql/) and GraphiQL for development."""

from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView

from cms.graphql.security import SecureGraphQLMixin


class KiosqueGraphQLView(SecureGraphQLMixin, GraphQLView):
    """Anonymous, read-mostly API: no session or CSRF cookie is needed to query it."""


graphql_view = csrf_exempt(KiosqueGraphQLView.as_view(graphiql=False))
graphiql_view = csrf_exempt(KiosqueGraphQLView.as_view(graphiql=True))
