"""The page chooser's search, with each row's status and parent read for the whole page of
results: Wagtail asks every row for its approved schedule, its workflow, its parent and that
parent's locale, four queries a row (100 for a page of 25), whatever the archive holds. The
first two are annotated by a `construct_page_chooser_queryset` hook (cms/wagtail_hooks.py).

Mounted ahead of Wagtail's own route in cms/urls.py, under the same URL name, so the chooser's
JavaScript and every `reverse()` reach it."""

from django.urls import path
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.chooser import SearchView
from wagtail.models import Page

from cms import upstream


def attach_parents(pages) -> None:
    """Read the rows' parents (and their locales) in one query, where `get_parent()` finds
    them."""
    steplen = Page.steplen
    wanted = {page.path[:-steplen] for page in pages if page.depth > 1}
    found = Page.objects.filter(path__in=wanted).select_related("locale")
    parents = {parent.path: parent for parent in found}
    for page in pages:
        parent = parents.get(page.path[:-steplen])
        if parent is not None:
            upstream.remember_parent(page, parent)


class ChooserSearchView(SearchView):
    def get(self, request):
        response = super().get(request)
        # The response renders later (TemplateResponse): the rows are annotated before it does.
        attach_parents(list(response.context_data["pages"]))
        return response


urlpatterns = [
    path(
        "",
        require_admin_access(ChooserSearchView.as_view()),
        name="wagtailadmin_choose_page_search",
    ),
]
