"""Admin listings that count at most a cap of rows instead of every row.

Wagtail's paginators count the whole listing (`COUNT(*)`) to number its pages: on a large archive
a report of every published page or every log entry, or a search for a common word, counted
tens of thousands of rows on each request. These count at most `KIOSQUE["ADMIN_COUNT_CAP"]`
rows (an unordered `COUNT(*)` over a `LIMIT`, which the database stops after that many): below
the cap the count is exact; above it the listing offers the cap's worth of pages and says
"1000+" (narrow it with a search or a filter to reach the rest).

Searches have a smaller cap, `KIOSQUE["ADMIN_SEARCH_COUNT_CAP"]` (100): a substring match
finds its rows by filtering the table until the cap is reached, so a common word that matches
one title in ten reads ten rows per counted match (11,000 titles read at a cap of 1,000, about
the whole of a 1,000-article archive at 100).
"""

from django.conf import settings
from django.utils.functional import cached_property
from wagtail.admin.paginator import WagtailPaginator


def admin_count_cap() -> int:
    return settings.KIOSQUE.get("ADMIN_COUNT_CAP", 1000)


def admin_search_count_cap() -> int:
    return settings.KIOSQUE.get("ADMIN_SEARCH_COUNT_CAP", 100)


def bounded_count(queryset, cap: int) -> int:
    """Rows of `queryset`, counted up to `cap + 1` (more than `cap` means "at least that")."""
    queryset = queryset.order_by()
    if hasattr(queryset, "query") and not queryset.query.combinator:
        # Only the key: a sliced count selects what the listing selects, and the reports'
        # per-row subqueries (last publisher, schedule) would run for every counted row.
        queryset = queryset.values("pk")
    return queryset[: cap + 1].count()


class BoundedCountPaginator(WagtailPaginator):
    """Wagtail's paginator with the count stopping at the cap."""

    cap_setting = staticmethod(admin_count_cap)

    @cached_property
    def cap(self) -> int:
        return self.cap_setting()

    @cached_property
    def _found(self) -> int:
        return bounded_count(self.object_list, self.cap)

    @cached_property
    def count_is_exact(self) -> bool:
        return self._found <= self.cap

    @cached_property
    def count(self) -> int:
        return min(self._found, self.cap)

    @cached_property
    def items_count_label(self):
        if self.count_is_exact:
            return super().items_count_label
        return f"{self.cap}+ {self.verbose_name_plural}"


class BoundedSearchPaginator(BoundedCountPaginator):
    """For search results: the search cap."""

    cap_setting = staticmethod(admin_search_count_cap)
