"""Bench-only URLs: Kiosque's, plus Wagtail's REST API v2 at /api/v2/."""

from django.urls import path
from rest_framework import serializers
from wagtail.api import APIField
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.images.api.fields import ImageRenditionField

from cms.graphql.types import allowed_widths, default_image_spec
from cms.urls import urlpatterns as kiosque_urlpatterns
from news.models import ArticlePage


class TopicNames(serializers.Field):
    def to_representation(self, manager):
        return [topic.name for topic in manager.all()]


def _rendition(spec):
    return ImageRenditionField(spec, source="lead_image")


# The card's fields, as a REST API v2 project would declare them: one rendition per width.
ArticlePage.api_fields = [
    APIField("standfirst"),
    APIField("published_at"),
    APIField("lead_image", serializer=ImageRenditionField(default_image_spec())),
    *(
        APIField(
            f"lead_image_{w}", serializer=ImageRenditionField(f"width-{w}", source="lead_image")
        )
        for w in allowed_widths()
    ),
    APIField("topics", serializer=TopicNames()),
]

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)

urlpatterns = [path("api/v2/", api_router.urls), *kiosque_urlpatterns]
