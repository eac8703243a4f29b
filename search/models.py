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


class RedirectTargetPath(models.Model):
    """PostgreSQL only: a copy of the `url_path` of each redirect's target page, for the admin's
    redirect search (search/admin_redirects.py).

    Searching the page table for a word finds every page whose path holds it (9,004 of 100,000
    for "tramway"), nearly all of which no redirect points to. Here only redirect targets are
    searched, through a trigram index. Database triggers keep the copy in step in the same
    transaction (search/migrations/0006): a redirect written or retargeted, a page created,
    moved or renamed (Wagtail rewrites the `url_path` of every descendant in one UPDATE, which
    no Django signal reports). On SQLite the table stays empty and the search joins the pages.
    """

    # No database constraint: the triggers own these rows, and the test runner's TRUNCATE of
    # the redirect table must not be refused.
    redirect = models.OneToOneField(
        "wagtailredirects.Redirect",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    page_id = models.IntegerField(db_index=True)
    url_path = models.TextField()

    def __str__(self) -> str:
        return f"{self.redirect_id}: {self.url_path}"
