"""Bench-only URLs: stock grapple, served by graphene-django's own view as grapple documents."""

from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView
from wagtail import urls as wagtail_urls

urlpatterns = [
    path("graphql/", csrf_exempt(GraphQLView.as_view())),
    # Page URLs are reversed from Wagtail's serve view.
    path("", include(wagtail_urls)),
]
