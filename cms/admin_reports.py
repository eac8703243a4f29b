"""Wagtail's aging pages and site history reports, counting at most a cap of rows.

Both reports list the whole site (every published page, every log entry) and Wagtail numbers
their pages with a `COUNT(*)` of all of it on each request. These are Wagtail's views with
`cms.admin_paging.BoundedCountPaginator`: listing, filters, export and templates unchanged.
Routed in cms/urls.py ahead of Wagtail's admin URLs, under the same paths; Wagtail's URL names
still reverse to those paths.
"""

from django.urls import path
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.aging_pages import AgingPagesView
from wagtail.admin.views.reports.audit_logging import LogEntriesView

from cms.admin_paging import BoundedCountPaginator


class BoundedAgingPagesView(AgingPagesView):
    paginator_class = BoundedCountPaginator


class BoundedSiteHistoryView(LogEntriesView):
    paginator_class = BoundedCountPaginator


def _admin(view):
    return require_admin_access(view)


urlpatterns = [
    path("site-history/", _admin(BoundedSiteHistoryView.as_view())),
    path("site-history/results/", _admin(BoundedSiteHistoryView.as_view(results_only=True))),
    path("aging-pages/", _admin(BoundedAgingPagesView.as_view())),
    path("aging-pages/results/", _admin(BoundedAgingPagesView.as_view(results_only=True))),
]
