"""Wagtail's aging pages and site history reports, counting at most a cap of rows.

Both reports list the whole site (every published page, every log entry) and Wagtail numbers
their pages with a `COUNT(*)` of all of it on each request. These are Wagtail's views with
`cms.admin_paging.BoundedCountPaginator`: listing, filters, export and templates unchanged.

The site history also reads a superuser's page log entries differently. Wagtail keeps an entry
whose page is explorable (`page_id IN (SELECT id FROM wagtailcore_page)`, every page for a
superuser) or deleted; under the OR, PostgreSQL hashes every page id, in each of the report's
five queries (listing, count, and the actions, users and types its filters offer). For a
superuser the same rule is written as a per-entry EXISTS on the page's primary key, which costs
the entries read, not the size of the page table. Other users keep Wagtail's rule.
Routed in cms/urls.py ahead of Wagtail's admin URLs, under the same paths; Wagtail's URL names
still reverse to those paths.
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, IntegerField, OuterRef, Q, Value
from django.urls import path
from wagtail.admin.auth import require_admin_access
from wagtail.admin.filters import ContentTypeFilter
from wagtail.admin.views.reports.aging_pages import AgingPagesView
from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import Page, PageLogEntry

from cms.admin_paging import BoundedCountPaginator


class BoundedAgingPagesView(AgingPagesView):
    paginator_class = BoundedCountPaginator


def viewable_log_entries(log_model, user):
    """`log_model.objects.viewable_by_user(user)`, with a superuser's page entries read through
    a per-entry EXISTS (same rows: an entry whose page exists, or one of a deleted page)."""
    if log_model is not PageLogEntry or not user.is_superuser:
        return log_model.objects.viewable_by_user(user)
    page_exists = Exists(Page.objects.filter(pk=OuterRef("page_id")))
    deleted = PageLogEntry.objects.filter(deleted=True).values("page_id")
    return PageLogEntry.objects.filter(Q(page_exists) | Q(page_id__in=deleted))


def _log_models():
    return list(log_action_registry.get_log_entry_models())


class SiteHistoryFilterSet(SiteHistoryReportFilterSet):
    """Wagtail's filters, offering the actions, users and types of `viewable_log_entries`."""

    object_type = ContentTypeFilter(
        label=SiteHistoryReportFilterSet.base_filters["object_type"].label,
        method="filter_object_type",
        queryset=lambda request: ContentType.objects.filter(
            pk__in={
                pk
                for model in _log_models()
                for pk in viewable_log_entries(model, request.user).get_content_type_ids()
            }
        ).order_by("model"),
    )

    def get_action_choices(self):
        used = set()
        for model in _log_models():
            used.update(viewable_log_entries(model, self.request.user).get_actions())
        return [choice for choice in log_action_registry.get_choices() if choice[0] in used]

    def get_user_choices(self):
        ids = set()
        for model in _log_models():
            ids.update(viewable_log_entries(model, self.request.user).get_user_ids())
        User = get_user_model()
        return User.objects.filter(pk__in=ids).order_by(User.USERNAME_FIELD)


class BoundedSiteHistoryView(LogEntriesView):
    paginator_class = BoundedCountPaginator
    filterset_class = SiteHistoryFilterSet

    def get_filtered_queryset(self):
        # Wagtail's LogEntriesView.get_filtered_queryset with `viewable_log_entries`.
        queryset = None
        self.log_models = _log_models()
        for index, log_model in enumerate(self.log_models):
            sub_queryset = (
                viewable_log_entries(log_model, self.request.user)
                .values("pk", "timestamp")
                .annotate(log_model_index=Value(index, output_field=IntegerField()))
            )
            sub_queryset = self.filter_queryset(sub_queryset).order_by()
            queryset = sub_queryset if queryset is None else queryset.union(sub_queryset, all=True)
        return queryset.order_by("-timestamp")


def _admin(view):
    return require_admin_access(view)


urlpatterns = [
    path("site-history/", _admin(BoundedSiteHistoryView.as_view())),
    path("site-history/results/", _admin(BoundedSiteHistoryView.as_view(results_only=True))),
    path("aging-pages/", _admin(BoundedAgingPagesView.as_view())),
    path("aging-pages/results/", _admin(BoundedAgingPagesView.as_view(results_only=True))),
]
