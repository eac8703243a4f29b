"""Each private upstream attribute cms.upstream relies on still behaves as the adapter says.

When one of these fails after an upgrade, the fix belongs in cms/upstream.py alone.
"""

import html

import pytest
from graphene_django.views import GraphQLView
from wagtail.blocks.base import BlockWidget
from wagtail.images import get_image_model

from cms import upstream
from cms.graphql.types import rendition_specs
from news.models import ArticlePage, RelatedLink, Topic
from tests.factories import make_article, make_image_with_renditions, make_section, make_site


def test_graphene_django_dispatch_still_unwraps_to_a_dispatch_without_the_csrf_cookie(rf):
    dispatch = upstream.unwrapped_dispatch(GraphQLView)
    assert dispatch is not GraphQLView.dispatch
    assert dispatch.__name__ == "dispatch"
    # The wrapped one sets the cookie; the unwrapped one must not.
    view = GraphQLView(graphiql=False)
    request = rf.get("/graphql/", {"query": "{ __typename }"})
    response = dispatch(view, request)
    assert response.status_code == 200
    assert "csrftoken" not in response.cookies
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.django_db
def test_wagtail_still_keeps_prefetched_renditions_where_the_adapter_reads_them():
    image = make_image_with_renditions("Adaptateur")
    plain = get_image_model().objects.get(pk=image.pk)
    assert upstream.prefetched_renditions(plain) is None
    prefetched = get_image_model().objects.prefetch_renditions(*rendition_specs()).get(pk=image.pk)
    renditions = upstream.prefetched_renditions(prefetched)
    assert renditions is not None
    assert {r.filter_spec for r in renditions} == set(rendition_specs())


@pytest.mark.django_db
def test_django_still_keeps_prefetched_rows_where_the_adapter_reads_them():
    section = make_section(make_site())
    topic = Topic.objects.create(name="Climat", slug="climat")
    article = make_article(section, "Prefetch", topics=[topic])
    assert upstream.prefetched(ArticlePage.objects.get(pk=article.pk), "topics") is None
    fetched = ArticlePage.objects.prefetch_related("topics").get(pk=article.pk)
    assert list(upstream.prefetched(fetched, "topics")) == [topic]


@pytest.mark.django_db
def test_modelcluster_still_marks_inline_rows_held_in_memory():
    section = make_section(make_site())
    article = make_article(section, "Brouillon")
    fetched = ArticlePage.objects.get(pk=article.pk)
    assert not upstream.held_in_memory(fetched, "related_links")
    fetched.related_links = [RelatedLink(url="https://example.org/", title="Ailleurs")]
    assert upstream.held_in_memory(fetched, "related_links")


def test_django_still_reads_a_replaced_request_body(rf):
    request = rf.post("/graphql/", data=b'{"query": ""}', content_type="application/json")
    upstream.replace_request_body(request, b'{"query": "{ __typename }"}')
    assert request.body == b'{"query": "{ __typename }"}'


def test_wagtail_block_widget_still_packs_where_the_adapter_shares_from():
    block = ArticlePage._meta.get_field("body").stream_block
    packed = {}
    first = BlockWidget(block)
    upstream.share_block_definitions(first, packed, "fr")
    assert '"Intertitre"' in first.block_json
    assert "<script" in str(first.media), "the media come from the packed context"
    # A second widget renders the very definitions packed for the first, without packing.
    second = BlockWidget(block)
    second._build_block_json = None  # packing again would raise
    upstream.share_block_definitions(second, packed, "fr")
    assert second.block_json is first.block_json
    assert first.block_json in html.unescape(second.render("body", []))


@pytest.mark.django_db
def test_treebeard_path_arithmetic_still_gives_the_path_add_child_gives():
    site = make_site()
    section = make_section(site, "Adaptateur")
    assert (
        upstream.next_child_path(section, "")
        == section.add_child(
            instance=ArticlePage(
                title="Premier", slug="premier-adaptateur", standfirst="Un chapô."
            )
        ).path
    )
    section.refresh_from_db()
    last = section.get_last_child().path
    expected = upstream.next_child_path(section, last)
    second = section.add_child(
        instance=ArticlePage(title="Second", slug="second-adaptateur", standfirst="Un chapô.")
    )
    assert second.path == expected


@pytest.mark.django_db
def test_a_prepared_child_knows_its_parent_and_title_without_a_query(django_assert_num_queries):
    site = make_site()
    section = make_section(site, "Préparée", slug="preparee")
    page = ArticlePage(title="Sans requête", slug="sans-requete")
    page.depth = section.depth + 1
    page.path = upstream.next_child_path(section, "")
    page.locale_id = section.locale_id
    with django_assert_num_queries(0):
        upstream.prepare_new_child(page, section)
        assert page.get_parent() is section
    assert page.draft_title == "Sans requête"
    assert page._is_site_root is False


def test_django_redis_cache_still_builds_clients_from_its_pools_where_the_adapter_reuses_them():
    import redis
    from django.core.cache.backends.redis import RedisCache

    cache = RedisCache("redis://127.0.0.1:1/0", {})  # never connects: clients are lazy
    assert cache._cache.get_client() is not cache._cache.get_client()  # Django's own
    upstream.reuse_redis_clients(cache)
    client = cache._cache.get_client(write=True)
    assert isinstance(client, redis.Redis)
    assert cache._cache.get_client("key") is client
    assert client.connection_pool is cache._cache._get_connection_pool(True)


def test_django_redis_cache_still_hands_out_its_redis_client():
    import redis
    from django.core.cache.backends.redis import RedisCache

    cache = RedisCache("redis://127.0.0.1:1/0", {})
    assert isinstance(upstream.redis_client(cache), redis.Redis)


@pytest.mark.django_db
def test_django_still_runs_a_queryset_from_sql_compiled_earlier():
    section = make_section(make_site())
    first = make_article(section, "Premier", slug="premier")
    second = make_article(section, "Second", slug="second")
    queryset = ArticlePage.objects.select_related("locale").filter(slug="premier")
    compiler, sql, params = upstream.compile_queryset(queryset)
    assert "premier" in params
    other = tuple("second" if p == "premier" else p for p in params)
    (found,) = upstream.run_compiled(queryset, compiler, sql, other)
    assert found == second
    assert ArticlePage._meta.get_field("locale").is_cached(found)
    # The queryset compiled first is left as it was.
    assert list(queryset) == [first]
    assert upstream.compile_queryset(ArticlePage.objects.none()) is None
    assert not upstream.has_prefetches(queryset)
    assert upstream.has_prefetches(queryset.prefetch_related("topics"))


def test_wagtail_still_keeps_the_reference_index_hold_where_the_adapter_reads_it():
    from wagtail.signal_handlers import disable_reference_index_auto_update

    assert not upstream.reference_index_updates_held()
    with disable_reference_index_auto_update():
        assert upstream.reference_index_updates_held()
    assert not upstream.reference_index_updates_held()


def test_treebeard_still_returns_the_parent_the_adapter_remembered(db, django_assert_num_queries):
    section = make_section(make_site(), "Monde")
    article = ArticlePage.objects.get(pk=make_article(section, "Enfant").pk)
    upstream.remember_parent(article, section)
    with django_assert_num_queries(0):
        assert article.get_parent() is section
