"""Wagtail's search backend for the admin (page search, choosers, snippets): no index of its own.

Kiosque keeps one full-text index, `search.models.ArticleSearchDocument`, for the public search.
Wagtail's database backend kept a second copy of every page, rewritten on every save (drafts
included) and rescanned on each write; this backend matches admin searches with substring
filters on the model's text columns instead (indexed with pg_trgm on PostgreSQL, see
search/migrations), and indexes nothing. docs/search.md says why.

Counts and facets stop at `KIOSQUE["ADMIN_SEARCH_COUNT_CAP"]` matches (cms/admin_paging.py): a
common word matches a share of the whole archive, and counting every match (three times per page
search) grew with it.
"""

from collections import OrderedDict

from django.db import models
from django.db.models import Count
from wagtail.search.backends.database.fallback import (
    MATCH_ALL,
    MATCH_NONE,
    DatabaseSearchBackend,
    DatabaseSearchQueryCompiler,
    DatabaseSearchResults,
)

from cms.admin_paging import admin_search_count_cap


class AdminSearchQueryCompiler(DatabaseSearchQueryCompiler):
    def get_fields_names(self):
        # Only plain text columns: StreamField bodies and related fields have no substring
        # lookup (the public search covers bodies, topics and authors).
        model = self.queryset.model
        for name in super().get_fields_names():
            if isinstance(model._meta.get_field(name), models.CharField | models.TextField):
                yield name


class AdminSearchResults(DatabaseSearchResults):
    """The fallback backend's results without DISTINCT, with bounded counts and facets."""

    def _matches(self):
        queryset = self.query_compiler.queryset
        q = self.query_compiler.build_database_filter(self.query_compiler.query)
        if q == MATCH_NONE:
            return queryset.none()
        if q != MATCH_ALL:
            queryset = queryset.filter(q)
        # No DISTINCT (the fallback's): the filters read the model's own text columns (and
        # its parents', one row each), so no row repeats, and DISTINCT over every column made
        # the database sort all matches before counting or returning the first page.
        return queryset

    def get_queryset(self):
        queryset = self._matches()
        if not self.query_compiler.order_by_relevance and not queryset.query.order_by:
            # Wagtail's default, so that pages of results follow one another.
            queryset = queryset.order_by("-pk")
        return queryset[self.start : self.stop]

    def _bounded(self):
        """The matches in no order, at most the cap plus one (the one that says there are
        more): any rows will do for a count, so the database stops after that many."""
        cap = admin_search_count_cap() + 1
        stop = self.start + cap if self.stop is None else min(self.stop, self.start + cap)
        return self._matches().order_by()[self.start : stop]

    def _do_count(self):
        # At most the cap: listings then offer the cap's worth of pages (refine the search
        # to reach the rest), and the count query stops after that many rows.
        return min(self._bounded().values("pk").count(), admin_search_count_cap())

    def facet(self, field_name):
        if self.query_compiler._get_filterable_field(field_name) is None:
            return super().facet(field_name)  # Wagtail's error for an unfilterable field
        sample = self._bounded().values("pk")
        model = self.query_compiler.queryset.model
        rows = (
            model._default_manager.filter(pk__in=sample)
            .values(field_name)
            .annotate(count=Count("pk"))
            .order_by("-count")
        )
        return OrderedDict((row[field_name], row["count"]) for row in rows)


class AdminSearchBackend(DatabaseSearchBackend):
    query_compiler_class = AdminSearchQueryCompiler
    autocomplete_query_compiler_class = AdminSearchQueryCompiler
    results_class = AdminSearchResults


SearchBackend = AdminSearchBackend
