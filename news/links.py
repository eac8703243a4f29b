"""Internal rich text links, as the public API renders them (registered in wagtail_hooks)."""

from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler


class PublicPageLinkHandler(PageLinkHandler):
    """Internal links resolve to live, public pages only.

    A link to a draft or private page keeps its text and loses its href: the URL alone would
    reveal the page's slug. Ids that are not numbers (hand-edited data) are links to nothing.
    """

    @classmethod
    def get_many(cls, attrs_list: list[dict]) -> list:
        ids = [str(attrs.get("id", "")) for attrs in attrs_list]
        wanted = {int(i) for i in ids if i.isdigit()}
        pages = (
            Page.objects.live().public().filter(id__in=wanted).defer_streamfields().specific()
            if wanted
            else []
        )
        by_id = {str(page.id): page for page in pages}
        return [by_id.get(i) for i in ids]
