"""Every private Wagtail, modelcluster, graphene-django and Django attribute Kiosque relies on.

Everything else goes through public APIs. Each function here says why the public route does not
do; tests/test_upstream_adapter.py fails loudly when an upgrade moves one of these, so upgrading
Wagtail, grapple or graphene-django starts with reading this file and running that test.
"""

from __future__ import annotations


def unwrapped_dispatch(view_class):
    """graphene-django's `GraphQLView.dispatch` without its `ensure_csrf_cookie` decorator.

    The decorator sets a CSRF cookie and `Vary: Cookie` on every response, which makes every
    answer uncacheable by HTTP caches; an anonymous read API needs no CSRF cookie, and
    graphene-django offers no setting to turn it off."""
    return view_class.dispatch.__wrapped__


def prefetched_renditions(image):
    """The renditions prefetched with `prefetch_renditions()`, or None when there are none.

    Wagtail's public `get_rendition` reads them too, but writes each one back to the cache on
    every call (4.5 ms for 40 calls against 0.5 ms read directly, see MEASUREMENTS.md)."""
    return image._get_prefetched_renditions()


def prefetched(instance, name: str):
    """Rows of the relation `name` already fetched by `prefetch_related`, or None.

    Django keeps them in `_prefetched_objects_cache` and has no public "is this prefetched"
    check; asking the manager (`.all()`) would run a query when they are not."""
    return getattr(instance, "_prefetched_objects_cache", {}).get(name)


def held_in_memory(instance, name: str) -> bool:
    """True when the inline rows of `name` live in memory only (modelcluster, a preview's
    unsaved draft): fetching them would read the published rows instead of the draft's.
    modelcluster exposes no public check."""
    return name in getattr(instance, "_cluster_related_objects", {})


def replace_request_body(request, body: bytes) -> None:
    """Give graphene-django, which reads `request.body` itself, a completed request body.

    `HttpRequest.body` is read-only; its cached bytes are the only way to change what later
    readers see (a persisted query's document is filled in before graphene-django parses it)."""
    request._body = body


def share_block_definitions(widget, packed: dict, key) -> None:
    """Give a StreamField's `BlockWidget` the block definitions packed earlier under `key`, or
    pack them now and keep them in `packed`.

    Wagtail packs a StreamField's block definitions (every block type, its widgets and labels)
    again for each form, in the private `_build_block_json`, into the private `_js_context` and
    `_block_json` that its `render` and `media` read; there is no public way to reuse them."""
    found = packed.get(key)
    if found is None:
        widget._build_block_json()
        found = packed[key] = (widget._js_context, widget._block_json)
    widget._js_context, widget._block_json = found


def next_child_path(parent, last_child_path: str) -> str:
    """The treebeard path of a new last child of `parent`, after the child at
    `last_child_path` ("" when it has none).

    `add_child` reads the parent row and its last child again before each insert; a bulk
    writer that already knows them uses the same private path arithmetic instead."""
    from wagtail.models import Page

    if last_child_path:
        return Page(path=last_child_path)._inc_path()
    return Page._get_path(parent.path, parent.depth + 1, 1)


def prepare_new_child(page, parent) -> None:
    """Let an unsaved `page` be saved under `parent` without the queries `add_child` makes.

    `_cached_parent_obj` is what treebeard's `get_parent()` returns instead of querying (for
    `url_path`); `_is_site_root` is what `Page.save()` reads instead of asking whether a Site
    starts here (a new page never roots one); `_set_core_field_defaults` fills `draft_title`
    (and a slug from the title) as `full_clean` would."""
    page._cached_parent_obj = parent
    page._is_site_root = False
    page._set_core_field_defaults()


def reuse_redis_clients(cache) -> None:
    """Make a Django RedisCache reuse one `redis.Redis` per connection pool.

    Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every command, which
    copies its table of ~170 response callbacks each time: about 0.1 ms of a cached GraphQL
    hit that costs 0.2 ms in all (a `redis.Redis` is safe to share between threads). Django
    has no setting for it; the pool lookup (`_get_connection_pool`) and the client class
    (`_client`) are private."""
    backend = cache._cache
    clients: dict[int, object] = {}

    def get_client(key=None, *, write=False):
        pool = backend._get_connection_pool(write)
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = backend._client(connection_pool=pool)
        return client

    backend.get_client = get_client


def redis_client(cache):
    """The `redis.Redis` behind a Django RedisCache, for what its cache API lacks (PUBLISH and
    SUBSCRIBE, for the response cache's change announcements). Django keeps it in `_cache`."""
    return cache._cache.get_client(write=True)


def compile_queryset(queryset):
    """(compiler, sql, params) of `queryset` as iterating it would compile it, or None when it
    can match no row (`.none()`, an empty `__in`).

    cms.prepared keeps the compiler of a query shape, whose setup (selected columns,
    `select_related` populators, converters) it reuses with other parameters; Django compiles
    inside `QuerySet.__iter__` and keeps that state private."""
    from django.core.exceptions import EmptyResultSet

    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    return (compiler, sql, tuple(params)) if sql else None


def run_compiled(queryset, compiler, sql: str, params) -> list:
    """Evaluate a copy of `queryset` as if it had compiled to `sql` and `params` with
    `compiler`'s setup: Django instantiates rows, follows `select_related` and prefetches as
    usual. Django has no public way to run a queryset from SQL compiled earlier (`raw()` drops
    `select_related`, annotations and values lists)."""
    import copy

    from django.db import connections

    queryset = queryset._chain()
    bound = copy.copy(compiler)
    bound.connection = connections[queryset.db]  # this thread's connection
    bound.as_sql = lambda *args, **kwargs: (sql, params)
    queryset.query.get_compiler = lambda *args, **kwargs: bound
    return list(queryset)


def has_prefetches(queryset) -> bool:
    """Whether `queryset` has `prefetch_related` lookups (Django keeps them private)."""
    return bool(queryset._prefetch_related_lookups)


def reference_index_updates_held() -> bool:
    """Whether the reference index's automatic updates are held back in this thread.

    Wagtail's `disable_reference_index_auto_update()` keeps that in a thread-local and deletes
    it on exit, so a nested use would turn the updates back on for the outer one; Wagtail offers
    no public way to ask first."""
    from wagtail.signal_handlers import reference_index_auto_update_disabled

    return getattr(reference_index_auto_update_disabled, "value", False)


def remember_parent(page, parent) -> None:
    """Make `page.get_parent()` return `parent` without a query.

    treebeard caches the parent it fetched in the private `_cached_parent_obj`; a listing that
    read every row's parent in one query has no public way to hand them over, and Wagtail's
    page chooser calls `get_parent()` on each row."""
    page._cached_parent_obj = parent
