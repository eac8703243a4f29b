"""The admin explorer of a rubrique: the same listing as Wagtail's, without reading the whole
page table on every request.

Wagtail's explorer keeps only the children the user may explore with
`id IN (SELECT id FROM wagtailcore_page ...)` and counts the children for its pagination with a
`COUNT(*)` over that same filter. For an editor who may explore everything under the rubrique
(a superuser, or a group with a permission on the rubrique or above it) the filter keeps every
child: it is dropped, and the count is the rubrique's `numchild`, which the page tree maintains.
At 100,000 articles, the semi-join read the 100,000 page ids on each request, twice.

Registered through Wagtail's page viewset registry as the listing of SectionPage's children;
every other view of an article is Wagtail's own.
"""

from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.views.pages.listing import ExplorableIndexView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import Page

EXPLORE_ACTIONS = {"add", "change", "publish", "lock", "unlock", "bulk_delete"}


def may_explore_every_child(user, parent: Page, policy) -> bool:
    """True when Wagtail's explorable filter would keep every child of `parent`: the user is a
    superuser, or holds one of the explore permissions on `parent` or one of its ancestors
    (Wagtail then grants the whole subtree, see PagePermissionPolicy.explorable_instances)."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    codenames = {policy._get_permission_codename(action) for action in EXPLORE_ACTIONS}
    return any(
        parent.path.startswith(perm.page.path)
        for perm in policy.get_cached_permissions_for_user(user)
        if perm.permission.codename in codenames
    )


class KnownCountPaginator(WagtailPaginator):
    """Wagtail's paginator with the number of items given instead of counted, and pages read
    key first.

    The explorer's rows carry three per-row subqueries (untranslated locale, site root,
    approved schedule). With `OFFSET`, PostgreSQL computed them for every skipped row too: the
    last page of a 16,674-article rubrique ran them 16,650 times (72,000 buffers, 258 ms). The
    page's ids are read first with the listing's order and no subqueries, then its rows."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        # Same order, same rows: the listing's queryset narrowed to the page's ids.
        return self._get_page(self.object_list.filter(pk__in=keys), number, self)


class SectionExplorerView(ExplorableIndexView):
    @cached_property
    def lists_every_child(self) -> bool:
        """Plain listing of the children (no search, no filter) that the user may all see."""
        return (
            not self.is_searching
            and not self.is_filtering
            # A hook narrowing the explorer's queryset makes numchild a wrong count.
            and not hooks.get_hooks("construct_explorer_page_queryset")
            and may_explore_every_child(
                self.request.user, self.parent_page, self.permission_policy
            )
        )

    def get_base_queryset(self):
        if not self.lists_every_child:
            return super().get_base_queryset()
        # Wagtail's own queryset minus the explorable filter, which would keep every row.
        return self.annotate_queryset(self.model._default_manager.child_of(self.parent_page))

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        if not self.lists_every_child:
            return super().get_paginator(
                queryset, per_page, orphans, allow_empty_first_page, **kwargs
            )
        return KnownCountPaginator(
            queryset,
            per_page,
            count=self.parent_page.numchild,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
        )


class ArticlePageViewSet(PageViewSet):
    """Wagtail's page views for articles; only the explorer of their rubrique is Kiosque's."""

    index_view_class = SectionExplorerView

    def get_index_view_kwargs(self, **kwargs):
        # The explorer keeps Wagtail's generic page listing (columns, filters, type labels).
        return {**super().get_index_view_kwargs(**kwargs), "model": Page}
