"""The admin's redirect search without joining the page table.

Wagtail's redirect listing searches `old_path`, `redirect_link` and the target page's
`url_path` with one OR across a LEFT JOIN of every redirect to its page: no index can serve an
OR spanning two tables, so PostgreSQL reads every redirect and its page. Here each column is
matched on its own (pg_trgm indexes: search/migrations) and the matches are merged by id; the
listing, its columns and its export stay Wagtail's.
"""

from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.redirects.views import IndexView

from cms.admin_paging import BoundedSearchPaginator


def redirects_matching(query: str):
    """Ids of redirects whose source, outside target or target page's path contains `query`
    (case-insensitive), one indexed lookup per column."""
    by_source = Redirect.objects.filter(old_path__icontains=query).values("pk")
    by_link = Redirect.objects.filter(redirect_link__icontains=query).values("pk")
    by_page = Redirect.objects.filter(redirect_page__url_path__icontains=query).values("pk")
    return by_source.union(by_link, by_page)


class RedirectIndexView(IndexView):
    # A common word matches a share of every redirect: count the first cap's worth only.
    paginator_class = BoundedSearchPaginator

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return queryset.filter(pk__in=redirects_matching(self.search_query))
