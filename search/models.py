"""The search index: one row per published article, kept in step by search.services."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleSearchDocument(models.Model):
    """What search reads for one live article: its text by weight, and the backend's index.

    Public visibility is never decided here: every search joins the rows it finds back to
    news.visibility.published_articles, so a row left behind by a restriction, an unpublished
    section or a moved page is simply never returned.
    """

    article = models.OneToOneField(
        "news.ArticlePage",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_document",
    )
    # Weight A..D text, as published.
    title = models.TextField()
    standfirst = models.TextField(blank=True)
    body = models.TextField(blank=True)
    extra = models.TextField(blank=True, help_text=_("Topic and author names."))
    published_at = models.DateTimeField(null=True)
    # PostgreSQL backend: weighted tsvector in the french_unaccent configuration (GIN-indexed).
    search_vector = SearchVectorField(null=True, editable=False)
    # Python backend: " a-terms | b-terms | c-terms | d-terms ", every term space-delimited.
    terms = models.TextField(blank=True, editable=False)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("document de recherche")
        verbose_name_plural = _("documents de recherche")

    def __str__(self):
        return self.title
