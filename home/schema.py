"""Root field `home`: the requesting site's home page, in the edition asked for."""

import graphene
from grapple.registry import registry

from home.models import HomePage
from news import selectors, visibility
from news.schema import check_locale


def _home_type():
    return registry.pages[HomePage]


def public_home(*, info) -> HomePage | None:
    root_path = selectors.site_root(info)
    if root_path is None:
        return None
    qs = visibility.without_private(HomePage.objects.live(), selectors.private_paths(info))
    return visibility.exclude_scheduled(qs).filter(path=root_path).first()


class HomeQuery(graphene.ObjectType):
    home = graphene.Field(
        _home_type, locale=graphene.String(), description="The requesting site's home page."
    )

    @staticmethod
    def resolve_home(root, info, locale=None):
        selectors.use_edition(info, check_locale(locale))
        return public_home(info=info)
