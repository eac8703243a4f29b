"""Wagtail's search backend for the admin (page search, choosers, snippets): no index of its own.

Kiosque keeps one full-text index, `search.models.ArticleSearchDocument`, for the public search.
Wagtail's database backend kept a second copy of every page, rewritten on every save (drafts
included) and rescanned on each write; this backend matches admin searches with substring
filters on the model's text columns instead (indexed with pg_trgm on PostgreSQL, see
search/migrations), and indexes nothing. docs/search.md says why.
"""

from django.db import models
from wagtail.search.backends.database.fallback import (
    DatabaseSearchBackend,
    DatabaseSearchQueryCompiler,
)


class AdminSearchQueryCompiler(DatabaseSearchQueryCompiler):
    def get_fields_names(self):
        # Only plain text columns: StreamField bodies and related fields have no substring
        # lookup (the public search covers bodies, topics and authors).
        model = self.queryset.model
        for name in super().get_fields_names():
            if isinstance(model._meta.get_field(name), models.CharField | models.TextField):
                yield name


class AdminSearchBackend(DatabaseSearchBackend):
    query_compiler_class = AdminSearchQueryCompiler
    autocomplete_query_compiler_class = AdminSearchQueryCompiler


SearchBackend = AdminSearchBackend
