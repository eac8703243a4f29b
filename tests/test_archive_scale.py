"""Paths that must cost the same on a 100,000-article archive as on a small one (issue 19).

The plan tests run on PostgreSQL only: they read what the planner really did."""

import io

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from news.models import ArticlePage
from news.schema import encode_cursor
from search.models import ArticleSearchDocument
from tests.factories import make_article, make_section, make_site
from tests.plans import analyzed_plan, captured_sql, plan_nodes


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("chef", "chef@example.fr", "motdepasse")
    client.force_login(user)
    return client


ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="reads PostgreSQL's executed plan")
PAGE = "query($after: String) { articles(first: 10, after: $after) { pageInfo { endCursor } } }"


def _cursor_after(position):
    """The cursor a client holds after reading `position` articles, newest first."""
    article = ArticlePage.objects.order_by("-published_at", "-pk")[position - 1]
    return encode_cursor(article)


@postgres_only
@pytest.mark.django_db
def test_a_deep_cursor_seeks_into_the_date_index_instead_of_scanning_rows_before_it(gql):
    make_site()
    call_command("create_random_data", articles=300, images=1, seed=7, stdout=io.StringIO())
    after = _cursor_after(200)
    sql = captured_sql(
        lambda: gql.data(PAGE, {"after": after}),
        containing=('FROM "news_articlepage"', "LIMIT 11"),
    )
    plan = analyzed_plan(sql)
    scans = [n for n in plan_nodes(plan) if n.get("Relation Name") == "news_articlepage"]
    assert len(scans) == 1, plan
    scan = scans[0]
    # The cursor is the index condition: the scan starts at it...
    assert scan["Index Name"] == "article_pubdate", scan
    assert "ROW(published_at, page_ptr_id) < ROW(" in scan["Index Cond"], scan
    # ...so it reads the page (and one row to know there is a next page), not the 200 before.
    assert scan["Actual Rows"] <= 11, scan
    assert scan.get("Rows Removed by Filter", 0) == 0, scan


FEED = "query($s: String) { changes(since: $s, first: 10) { nextCursor entries { id } } }"


@postgres_only
@pytest.mark.django_db
def test_a_deep_first_sync_cursor_starts_both_sides_of_the_article_join_at_it(gql):
    from delivery.schema import decode_change_cursor, encode_change_cursor
    from delivery.selectors import ARTICLES

    make_site()
    call_command("create_random_data", articles=300, images=1, seed=7, stdout=io.StringIO())
    position = decode_change_cursor(gql.data(FEED)["changes"]["nextCursor"])
    position.phase = ARTICLES
    position.after = ArticlePage.objects.order_by("pk").values_list("pk", flat=True)[200]
    cursor = encode_change_cursor(position)
    sql = captured_sql(
        lambda: gql.data(FEED, {"s": cursor}),
        containing=('FROM "news_articlepage"', "LIMIT 11"),
    )
    plan = analyzed_plan(sql)
    for table in ("news_articlepage", "wagtailcore_page"):
        (scan,) = [n for n in plan_nodes(plan) if n.get("Relation Name") == table]
        # Each side reads the page it returns (and the row telling that more follow), not the
        # 200 articles before the cursor: the walk costs the same at any depth.
        assert scan["Actual Rows"] <= 11, (table, scan)


SEARCH = "query($q: String!) { search(query: $q, first: 50) { edges { node { slug } } } }"


@pytest.mark.django_db
def test_articles_from_the_bulk_path_are_found_by_the_public_search(gql):
    make_site()
    call_command("create_random_data", articles=30, images=1, seed=2, stdout=io.StringIO())
    article = ArticlePage.objects.filter(title__icontains="tramway").first()
    assert article is not None  # seed 2 writes some
    found = [e["node"]["slug"] for e in gql.data(SEARCH, {"q": "tramway"})["search"]["edges"]]
    assert article.slug in found
    assert ArticleSearchDocument.objects.count() == ArticlePage.objects.live().count()


@pytest.mark.django_db
def test_publishing_writes_one_search_index_not_two():
    from wagtail.search.models import IndexEntry

    home = make_site()
    article = make_article(make_section(home), "Vendanges précoces en Alsace", slug="alsace")
    article.title = "Vendanges très précoces en Alsace"
    article.save_revision().publish()
    article.save_revision()  # a draft
    assert not IndexEntry.objects.exists()
    doc = ArticleSearchDocument.objects.get(article=article)
    assert doc.title == "Vendanges très précoces en Alsace"


@pytest.mark.django_db
def test_the_admin_page_search_finds_articles_by_a_word_of_their_title(admin_client):
    home = make_site()
    section = make_section(home)
    make_article(section, "Les vendanges précoces en Alsace", slug="alsace")
    make_article(section, "Marée noire en Bretagne", slug="bretagne")
    response = admin_client.get("/admin/pages/search/", {"q": "VENDANGES"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Les vendanges précoces en Alsace" in html
    assert "Marée noire en Bretagne" not in html


COUNTED = "query($t: String) { articles(first: 2, topic: $t) { totalCount totalCountIsExact } }"


@pytest.mark.django_db
def test_total_count_is_exact_up_to_the_cap_and_flagged_beyond_it(gql, settings):
    from news.models import Topic

    home = make_site()
    section = make_section(home)
    topic = Topic.objects.create(name="Climat", slug="climat")
    for i in range(4):
        make_article(section, f"Article {i}", slug=f"a{i}", topics=[topic] if i < 2 else [])
    settings.KIOSQUE = {**settings.KIOSQUE, "TOTAL_COUNT_CAP": 3}
    everything = gql.data(COUNTED)["articles"]
    assert everything == {"totalCount": 3, "totalCountIsExact": False}
    assert gql.data(COUNTED, {"t": "climat"})["articles"] == {
        "totalCount": 2,
        "totalCountIsExact": True,
    }
    assert gql.data(COUNTED, {"t": "inconnu"})["articles"] == {
        "totalCount": 0,
        "totalCountIsExact": True,
    }


@postgres_only
@pytest.mark.django_db
def test_a_rare_topic_starts_from_its_links_instead_of_walking_the_date_index(gql):
    from news.models import Topic

    make_site()
    call_command("create_random_data", articles=2000, images=1, seed=9, stdout=io.StringIO())
    rare = Topic.objects.create(name="Rare", slug="rare")
    article = ArticlePage.objects.order_by("published_at").first()  # the oldest
    ArticlePage.topics.through.objects.create(page=article, topic=rare)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    query = '{ articles(first: 20, topic: "rare") { edges { node { slug } } } }'
    sql = captured_sql(lambda: gql.data(query), containing=('FROM "news_articlepage"', "LIMIT 21"))
    plan = analyzed_plan(sql)
    scans = [n for n in plan_nodes(plan) if n.get("Relation Name") == "news_articlepage"]
    # Every article row read is one of the topic's (one), not the 2,000 newer ones before it.
    assert sum(n["Actual Rows"] * n.get("Actual Loops", 1) for n in scans) <= 1, plan
    assert [e["node"]["slug"] for e in gql.data(query)["articles"]["edges"]] == [article.slug]


@postgres_only
@pytest.mark.django_db
def test_finding_the_tree_root_reads_an_index_not_the_page_table():
    from wagtail.models import Page

    from tests.plans import query_plan

    make_site()
    roots = Page.objects.filter(depth=1).order_by("path").values("pk")
    sql = captured_sql(lambda: list(roots), containing=('"depth" = 1',))
    plan = query_plan(sql, forbid_seqscan=True)
    assert "kiosque_page_tree_root" in plan, plan


@postgres_only
@pytest.mark.django_db
def test_a_common_topic_walks_the_date_index_and_its_count_stops_at_the_cap(gql, settings):
    from news.models import Topic

    make_site()
    call_command("create_random_data", articles=2000, images=1, seed=9, stdout=io.StringIO())
    common = Topic.objects.create(name="Partout", slug="partout")
    links = ArticlePage.topics.through
    newest_first = ArticlePage.objects.order_by("-published_at", "-pk").values_list("pk")
    links.objects.bulk_create(
        [links(page_id=pk, topic=common) for (pk,) in list(newest_first)[::2]]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    settings.KIOSQUE = {**settings.KIOSQUE, "TOTAL_COUNT_CAP": 5}
    query = '{ articles(first: 20, topic: "partout") { totalCount edges { node { slug } } } }'
    listing = captured_sql(lambda: gql.data(query), containing=("LIMIT 21",))
    plan = analyzed_plan(listing)
    scans = [n for n in plan_nodes(plan) if n.get("Relation Name") == "news_articlepage"]
    assert [n.get("Index Name") for n in scans] == ["article_pubdate"], plan
    # Half the articles carry the topic: about 42 rows of the index give the 21 wanted, not
    # the topic's 1,000 links sorted by date.
    assert scans[0]["Actual Rows"] <= 60, scans[0]
    assert not [n for n in plan_nodes(plan) if n["Node Type"] == "Sort"], plan
    count = captured_sql(lambda: gql.data(query), containing=("COUNT(",))
    assert "ORDER BY" not in count  # any cap + 1 rows will do: no sort, no walk in date order
    counted = [n for n in plan_nodes(analyzed_plan(count)) if n["Node Type"] == "Limit"]
    assert counted[0]["Actual Rows"] == 6, counted  # the cap (5) plus one, then it stops
    assert gql.data(query)["articles"]["totalCount"] == 5
    edges = gql.data(query)["articles"]["edges"]
    assert [e["node"]["slug"] for e in edges] == list(
        ArticlePage.objects.filter(topics=common)
        .order_by("-published_at", "-pk")
        .values_list("slug", flat=True)[:20]
    )


# Tables that grow with the archive: a statement reading one of them without an index
# condition costs more with every article.
GROWING = {
    "wagtailcore_page",
    "news_articlepage",
    "news_articletopic",
    "news_articleauthor",
    "news_relatedlink",
    "wagtailcore_revision",
    "wagtailcore_referenceindex",
    "wagtailcore_pagelogentry",
    "wagtailcore_comment",
    "search_articlesearchdocument",
}


def _unindexed_reads(sql: str) -> list[dict]:
    """Scans of growing tables in `sql`'s plan that have no index condition to start from."""
    import json

    with connection.cursor() as cursor:
        # Priced out, a sequential or whole-index scan remains only when no index applies.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        raw = cursor.fetchone()[0]
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    walks = ("Seq Scan", "Index Scan", "Index Only Scan")
    return [
        node
        for node in plan_nodes(plan)
        if node.get("Relation Name") in GROWING
        and node["Node Type"] in walks
        and not node.get("Index Cond")
    ]


@postgres_only
@pytest.mark.django_db
def test_every_statement_of_saving_a_draft_starts_from_an_index():
    from django.test.utils import CaptureQueriesContext

    make_site()
    call_command("create_random_data", articles=200, images=1, seed=4, stdout=io.StringIO())
    article = ArticlePage.objects.order_by("-published_at").first().specific
    article.save_revision()  # the first revision of a bulk-written article
    article.title += " (mise à jour)"
    with CaptureQueriesContext(connection) as queries:
        article.save_revision()
    statements = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert statements
    bad = {sql: _unindexed_reads(sql) for sql in statements}
    assert {sql: nodes for sql, nodes in bad.items() if nodes} == {}


@postgres_only
@pytest.mark.postgres
@pytest.mark.django_db
def test_publishing_finds_the_articles_change_feed_row_through_an_index():
    from django.test.utils import CaptureQueriesContext

    from delivery.models import ChangeLog

    make_site()
    call_command("create_random_data", articles=20, images=1, seed=4, stdout=io.StringIO())
    article = ArticlePage.objects.order_by("-published_at").first().specific
    article.save_revision().publish()
    # The feed holds a row per published article and edition, all under one root path.
    root_path = ChangeLog.objects.get(object_id=article.pk).root_path
    ChangeLog.objects.bulk_create(
        [
            ChangeLog(
                content_type="news.ArticlePage",
                object_id=10**6 + i,
                root_path=root_path,
                kind="upsert",
                updated_at=article.published_at,
            )
            for i in range(20000)
        ]  # fmt: skip
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE delivery_changelog")
    article.title += " (mise à jour)"
    with CaptureQueriesContext(connection) as queries:
        article.save_revision().publish()
    feed = [
        q["sql"]
        for q in queries
        if 'FROM "delivery_changelog"' in q["sql"] and q["sql"].lstrip().startswith("SELECT")
    ]
    assert feed
    for sql in feed:
        # Looked up by object id without its label, no index started from the id and each
        # publish read the whole feed (100,000 rows, 17 ms at 100,000 articles).
        reads = [
            n
            for n in plan_nodes(analyzed_plan(sql))
            if n.get("Relation Name") == "delivery_changelog"
        ]
        assert reads and all(n["Node Type"] != "Seq Scan" for n in reads), reads
        assert sum(n["Actual Rows"] + n.get("Rows Removed by Filter", 0) for n in reads) <= 5
