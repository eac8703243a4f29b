"""The admin's redirect search without joining the page table.

Wagtail's redirect listing searches `old_path`, `redirect_link` and the target page's
`url_path` with one OR across a LEFT JOIN of every redirect to its page: no index can serve an
OR spanning two tables, so PostgreSQL reads every redirect and its page. Here each column is
matched on its own (pg_trgm indexes: search/migrations) and the matches are merged by id; the
listing, its columns and its export stay Wagtail's.

The target page's path is matched in search.models.RedirectTargetPath, the paths of redirect
targets only: a word common in page paths ("tramway": one page in eleven) would otherwise read
every page holding it, a share of the whole archive, to keep the few that redirects point to.
"""

from django.db import connections
from django.db.models import BooleanField, Func, Q
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.redirects.views import IndexView

from cms.admin_paging import BoundedSearchPaginator
from search.models import RedirectTargetPath


def redirects_matching(query: str):
    """Ids of redirects whose source, outside target or target page's path contains `query`
    (case-insensitive), one indexed lookup per column."""
    by_source = Redirect.objects.filter(old_path__icontains=query).values("pk")
    by_link = Redirect.objects.filter(redirect_link__icontains=query).values("pk")
    if connections[Redirect.objects.db].vendor == "postgresql":
        # Kept by triggers (search/migrations/0006); same match as the page's own url_path.
        by_page = RedirectTargetPath.objects.filter(url_path__icontains=query).values(
            "redirect_id"
        )
    else:
        by_page = Redirect.objects.filter(redirect_page__url_path__icontains=query).values("pk")
    return by_source.union(by_link, by_page)


class IsTrue(Func):
    template = "(%(expressions)s) IS TRUE"
    output_field = BooleanField()


class RedirectIndexView(IndexView):
    # A common word matches a share of every redirect: count the first cap's worth only.
    paginator_class = BoundedSearchPaginator

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        # `IS TRUE` keeps the IN out of a join: PostgreSQL runs the lookups once, hashes the
        # ids and walks the listing's order until the page is full. As a plain IN it walked
        # the same order comparing each redirect with every match (25 ms for 927 matches at
        # 100,000 articles); a list of ids took as long to plan when a word matched thousands.
        return queryset.filter(IsTrue(Q(pk__in=redirects_matching(self.search_query))))
