"""Admin listings that count at most a cap of rows instead of every row.

Wagtail's paginators count the whole listing (`COUNT(*)`) to number its pages: on a large archive
a report of every published page or every log entry, or a search for a common word, counted
tens of thousands of rows on each request. These count at most `KIOSQUE["ADMIN_COUNT_CAP"]`
rows (an unordered `COUNT(*)` over a `LIMIT`, which the database stops after that many): below
the cap the count is exact; above it the listing offers the cap's worth of pages and says
"1000+" (narrow it with a search or a filter to reach the rest).
"""

from django.conf import settings
from django.utils.functional import cached_property
from wagtail.admin.paginator import WagtailPaginator


def admin_count_cap() -> int:
    return settings.KIOSQUE.get("ADMIN_COUNT_CAP", 1000)


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

    @cached_property
    def cap(self) -> int:
        return admin_count_cap()

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
