"""Root field `home`: the requesting site's home page, in the edition asked for."""

import graphene
from django.utils import timezone
from grapple.registry import registry

from cms.prepared import DATETIME, TEXT, PreparedQuery
from home.models import HomePage
from news import selectors, visibility
from news.schema import check_locale


def _home_type():
    return registry.pages[HomePage]


def _live_home(private: tuple[str, ...], *, now, path: str):
    live = visibility.without_private(HomePage.objects.live(), list(private))
    return visibility.exclude_scheduled(live, now).filter(path=path).order_by("pk")[:1]


# Compiled once per set of restrictions (cms.prepared): every uncached `home` reads it.
_LIVE_HOME = PreparedQuery(_live_home, now=DATETIME, path=TEXT)


def public_home(*, info) -> HomePage | None:
    root_path = selectors.site_root(info)
    if root_path is None:
        return None
    private = tuple(selectors.private_paths(info))
    found = _LIVE_HOME.fetch(private, now=timezone.now(), path=root_path)
    return found[0] if found else None


class HomeQuery(graphene.ObjectType):
    home = graphene.Field(
        _home_type, locale=graphene.String(), description="The requesting site's home page."
    )

    @staticmethod
    def resolve_home(root, info, locale=None):
        selectors.use_edition(info, check_locale(locale))
        return public_home(info=info)
