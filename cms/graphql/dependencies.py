"""What a GraphQL answer was built from: tags collected while it is resolved.

The response cache stores these tags with each answer and drops exactly the answers whose tags
changed (cms.graphql.cache.invalidate). The framework knows no feature app: feature apps

- record tags as they load objects (`record(request, "page:12")`),
- declare the root fields their recordings fully describe (`register_root_field`), and
- may add a collector that reads their own request memo once the answer is built
  (`register_collector`).

A root field nobody declared records ANY, which every change invalidates: an unknown field
depends on everything, never on nothing. Tag vocabulary (who bumps what lives in the apps):
page:<id>, list:all, list:section:<slug>, list:topic:<slug>, list:author:<slug>, image:<id>,
author:<id>, topic:<id>, translation:<key>, lookup:slug:<slug>, structure, home, search, redirects,
plus ANY and ALL below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

# Recorded by fields nobody declared; bumped by every change.
ANY = "any"
# Implied by every answer; bumped only by a full flush (bulk imports, repairs).
ALL = "all"

_ATTR = "_kiosque_dependencies"
_root_fields: dict[str, tuple[str, ...]] = {
    # Introspection depends on the schema only, which no content change alters.
    "__schema": (),
    "__type": (),
    "__typename": (),
}
_collectors: list[Callable[[object], Iterable[str]]] = []
_schedules: list[Callable[[float], list]] = []
_listeners: list[Callable[[frozenset], None]] = []


def record(request, *tags: str) -> None:
    """Note that the answer being built for `request` read what `tags` name."""
    if request is None:
        return
    found = getattr(request, _ATTR, None)
    if found is None:
        found = set()
        setattr(request, _ATTR, found)
    found.update(tags)


def register_root_field(name: str, *tags: str) -> None:
    """`name` (as the schema spells it) records everything it reads; `tags` are recorded
    whenever it runs (what its resolvers read without recording it themselves)."""
    _root_fields[name] = tuple(tags)


def register_collector(collector: Callable[[object], Iterable[str]]) -> None:
    """`collector(request)` returns more tags, read from the app's own request state."""
    if collector not in _collectors:
        _collectors.append(collector)


def register_schedule(provider: Callable[[float], list]) -> None:
    """`provider(now)` returns [(timestamp, tags)]: each go-live or expiry after `now` of the
    app's pages and the tags of the answers it changes (the API hides pages by the clock)."""
    if provider not in _schedules:
        _schedules.append(provider)


def register_change_listener(listener: Callable[[frozenset], None]) -> None:
    """`listener(tags)` hears every invalidation (cms.graphql.cache.invalidate), whether the
    response cache is on or not: for data derived from the same tags (news.renders)."""
    if listener not in _listeners:
        _listeners.append(listener)


def changed(tags: frozenset) -> None:
    for listener in _listeners:
        listener(tags)


def schedule_providers() -> list[Callable[[float], list]]:
    return list(_schedules)


def collected(request) -> frozenset[str]:
    """Every tag the answer to `request` depends on (ALL included)."""
    tags = set(getattr(request, _ATTR, ()) or ())
    for collector in _collectors:
        tags.update(collector(request))
    tags.add(ALL)
    return frozenset(tags)


class DependencyMiddleware:
    """graphql-core middleware: a root field not declared by its app records ANY."""

    def resolve(self, next_, root, info, **args):
        if info.path.prev is None:
            tags = _root_fields.get(info.field_name)
            record(info.context, *(tags if tags is not None else (ANY,)))
        return next_(root, info, **args)
