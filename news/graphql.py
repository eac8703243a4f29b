"""GraphQL object types for news values that are not models of their own."""

import graphene


class RelatedLinkType(graphene.ObjectType):
    """A "Lire aussi" link: `page` is set for an internal article, `url` always."""

    class Meta:
        name = "RelatedLink"

    title = graphene.String(required=True)
    url = graphene.String(required=True)
    is_external = graphene.Boolean(required=True)
    page = graphene.Field(lambda: _page_interface())


def _page_interface():
    from grapple.types.interfaces import get_page_interface

    return get_page_interface()


class PublicRelatedLink:
    __slots__ = ("title", "url", "is_external", "page")

    def __init__(self, *, title: str, url: str, page=None):
        self.title = title
        self.url = url
        self.page = page
        self.is_external = page is None
