"""The home page: one per site, with the articles editors choose to feature."""

import graphene
from django.db import models
from django.utils.translation import gettext_lazy as _
from grapple.models import GraphQLField, GraphQLString
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable, Page

from cms.preview import KiosquePreviewMixin
from cms.references import OneReferenceUpdateMixin


class HomePage(OneReferenceUpdateMixin, KiosquePreviewMixin, Page):
    """The site's front page. Sections live under it."""

    tagline = models.CharField(
        _("accroche"), max_length=255, blank=True, help_text=_("Sous le nom du journal.")
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("tagline"),
        InlinePanel("featured", heading=_("À la une"), label=_("article")),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["news.SectionPage"]

    graphql_fields = [
        GraphQLString("tagline", required=True),
        GraphQLField(
            "featured_articles", lambda: _article_list(), source="public_featured_articles"
        ),
    ]

    class Meta:
        verbose_name = _("page d'accueil")

    def public_featured_articles(self, info, **kwargs):
        from news.selectors import featured_articles

        return featured_articles(self, info=info)


class FeaturedArticle(Orderable):
    """One article featured on the home page, in the order editors set."""

    page = ParentalKey(HomePage, related_name="featured", on_delete=models.CASCADE)
    article = models.ForeignKey(
        "news.ArticlePage", verbose_name=_("article"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("article")]

    class Meta(Orderable.Meta):
        verbose_name = _("article à la une")
        verbose_name_plural = _("articles à la une")


def _article_list():
    from grapple.registry import registry

    from news.models import ArticlePage

    return graphene.NonNull(graphene.List(graphene.NonNull(registry.pages[ArticlePage])))
