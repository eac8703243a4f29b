"""Admin paths that must not read the whole archive on each request (issue 19): the explorer of
a rubrique, the redirect search. Shapes are checked (SQL statements, query plans), not times."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from news.explorer import SectionExplorerView, may_explore_every_child
from news.roles import WRITERS, ensure_roles, grant_section
from tests.factories import make_article, make_section, make_site

PAGE_TABLE = 'FROM "wagtailcore_page"'
EVERY_PAGE_ID = '"id" IN (SELECT U0."id" AS "pk" FROM "wagtailcore_page" U0'


def _section_with_articles(n=5):
    """A rubrique of `n` articles; the first written is the least recently revised."""
    section = make_section(make_site())
    articles = [make_article(section, f"Dépêche numéro {i}", slug=f"dep-{i}") for i in range(n)]
    start = timezone.now() - timedelta(days=1)
    for i, article in enumerate(articles):
        Page.objects.filter(pk=article.pk).update(
            latest_revision_created_at=start + timedelta(minutes=i)
        )
    return section, articles


def _explore(client, section, page_number):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/admin/pages/{section.pk}/", {"p": page_number})
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries]


def _assert_no_whole_table_reads(statements):
    # Wagtail's explorer filters children with `id IN (SELECT id FROM wagtailcore_page ...)`
    # (every page id, for a superuser) and counts them with COUNT(*) for its pagination.
    counts = [s for s in statements if "COUNT(" in s and PAGE_TABLE in s]
    assert counts == [], counts
    semi_joins = [s for s in statements if EVERY_PAGE_ID in s]
    assert semi_joins == [], semi_joins


@pytest.mark.django_db
def test_the_explorer_of_a_rubrique_pages_through_children_without_counting_or_reading_every_page(
    client, monkeypatch
):
    monkeypatch.setattr(SectionExplorerView, "paginate_by", 2)
    section, articles = _section_with_articles(5)
    client.force_login(get_user_model().objects.create_superuser("chef", "c@example.fr", "x"))
    first, statements = _explore(client, section, 1)
    _assert_no_whole_table_reads(statements)
    # Latest revision first (Wagtail's default order), pages of two.
    assert "Dépêche numéro 4" in first and "Dépêche numéro 3" in first
    assert "Dépêche numéro 2" not in first
    last, statements = _explore(client, section, 3)
    _assert_no_whole_table_reads(statements)
    assert "Dépêche numéro 0" in last
    assert "Dépêche numéro 1" not in last and "Dépêche numéro 4" not in last
    # The page count comes from the tree's count of children: three pages for five articles.
    assert "Page 3 sur 3" in last or "Page 3 of 3" in last


@pytest.mark.django_db
def test_a_deep_explorer_page_skips_rows_without_running_their_subqueries(client, monkeypatch):
    monkeypatch.setattr(SectionExplorerView, "paginate_by", 2)
    section, _articles = _section_with_articles(5)
    client.force_login(get_user_model().objects.create_superuser("chef", "c@example.fr", "x"))
    last, statements = _explore(client, section, 3)
    skipping = [s for s in statements if "OFFSET 4" in s]
    # The rows skipped by OFFSET are read as keys only: the per-row subqueries (locale, site
    # root, schedule) ran for each of them, 16,650 times on the last page of a big rubrique.
    assert skipping and all("EXISTS" not in s for s in skipping), skipping
    assert "Dépêche numéro 0" in last and "Dépêche numéro 1" not in last


@pytest.mark.django_db
def test_a_writer_of_the_rubrique_gets_the_same_listing_without_the_whole_table_reads(
    client, monkeypatch
):
    monkeypatch.setattr(SectionExplorerView, "paginate_by", 2)
    section, _articles = _section_with_articles(3)
    groups = ensure_roles()
    grant_section(section, groups=groups)
    writer = get_user_model().objects.create_user("plume", "p@example.fr", "x", is_staff=True)
    writer.groups.add(groups[WRITERS])
    client.force_login(writer)
    last, statements = _explore(client, section, 2)
    _assert_no_whole_table_reads(statements)
    assert "Dépêche numéro 0" in last and "Dépêche numéro 2" not in last


@pytest.mark.django_db
def test_permissions_on_another_rubrique_only_keep_wagtails_explorable_filter():
    home = make_site()
    mine = make_section(home, "Monde")
    groups = ensure_roles()  # grants the roles on every existing rubrique
    grant_section(mine, groups=groups)
    other = make_section(home, "Sport", menu_order=2)  # created outside the admin: no grants
    writer = get_user_model().objects.create_user("plume", "p@example.fr", "x", is_staff=True)
    writer.groups.add(groups[WRITERS])
    policy = PagePermissionPolicy()
    assert may_explore_every_child(writer, mine, policy)
    assert not may_explore_every_child(writer, other, policy)
    assert not may_explore_every_child(writer, home, policy)
    nobody = get_user_model().objects.create_user("passant", "n@example.fr", "x", is_staff=True)
    nobody.groups.add(Group.objects.create(name="Sans droits"))
    assert not may_explore_every_child(nobody, mine, policy)


ON_POSTGRES = connection.vendor == "postgresql"


def _redirects_for_search(home):
    from wagtail.contrib.redirects.models import Redirect

    section = make_section(home)
    tram = make_article(section, "Le nouveau tramway de Lyon", slug="tramway-lyon")
    other = make_article(section, "Marée noire en Bretagne", slug="maree-noire")
    return {
        "source": Redirect.objects.create(old_path="/2019/05/tramway-grenoble", redirect_link="/"),
        "link": Redirect.objects.create(
            old_path="/archives/1", redirect_link="https://exemple.fr/tramway"
        ),
        "page": Redirect.objects.create(old_path="/archives/2", redirect_page=tram),
        "unrelated": Redirect.objects.create(old_path="/archives/3", redirect_page=other),
    }


@pytest.mark.django_db
def test_the_redirect_search_matches_source_outside_target_and_target_page_path(client):
    redirects = _redirects_for_search(make_site())
    client.force_login(get_user_model().objects.create_superuser("chef", "c@example.fr", "x"))
    response = client.get("/admin/redirects/", {"q": "TRAMWAY"})
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("source", "link", "page"):
        assert f"/admin/redirects/{redirects[key].pk}/" in html, key
    assert f"/admin/redirects/{redirects['unrelated'].pk}/" not in html
    results = client.get("/admin/redirects/results/", {"q": "tramway"}).content.decode()
    assert f"/admin/redirects/{redirects['page'].pk}/" in results


@pytest.mark.skipif(not ON_POSTGRES, reason="reads PostgreSQL's plan")
@pytest.mark.django_db
def test_the_redirect_search_reads_trigram_indexes_not_every_redirect_and_page(client):
    from tests.plans import query_plan

    _redirects_for_search(make_site())
    client.force_login(get_user_model().objects.create_superuser("chef", "c@example.fr", "x"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/redirects/", {"q": "tramway"}).status_code == 200
    searches = [q["sql"] for q in queries if 'FROM "wagtailredirects_redirect"' in q["sql"]]
    assert len(searches) == 2, searches  # the page of results and its count
    with connection.cursor() as cursor:
        # On these tiny tables a full walk of a primary key index looks cheapest: price out
        # plain index walks too, so that only lookups with an index condition remain.
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
    for sql in searches:
        # With sequential scans priced out, a plan that still has one has no index to use.
        plan = query_plan(sql, forbid_seqscan=True)
        # The listing walks the redirects in its order, probing the lookups' hashed ids until
        # the page is full: the lookups themselves must have no scan.
        lookups = plan.split("SubPlan", 1)[1]
        assert "Seq Scan" not in lookups, plan
        for index in ("kiosque_redirect_old_path_trgm", "kiosque_redirect_link_trgm"):
            assert index in plan, plan
        # The target page's path through the redirects' own copy (tests/test_redirect_search.py).
        assert "kiosque_redirect_target_path_trgm" in plan, plan


@pytest.mark.skipif(not ON_POSTGRES, reason="reads PostgreSQL's plan")
@pytest.mark.django_db
def test_the_aging_pages_report_walks_an_index_instead_of_sorting_every_published_page(client):
    from tests.plans import query_plan

    section, _articles = _section_with_articles(3)
    client.force_login(get_user_model().objects.create_superuser("chef", "c@example.fr", "x"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/reports/aging-pages/")
    assert response.status_code == 200
    assert "Dépêche numéro 0" in response.content.decode()
    listings = [
        q["sql"]
        for q in queries
        if 'ORDER BY "wagtailcore_page"."last_published_at" ASC' in q["sql"]
        and "COUNT(" not in q["sql"]
    ]
    assert listings
    with connection.cursor() as cursor:
        # On a few rows a sort looks cheapest: price it out, so that a plan that still sorts
        # has no index giving the order.
        cursor.execute("SET LOCAL enable_sort = off")
    for listing in listings:
        plan = query_plan(listing, forbid_seqscan=True)
        assert "kiosque_page_last_published" in plan, plan
        # The per-page subqueries (last publisher, schedule) may sort their few log rows; the
        # pages themselves come in index order.
        assert "Sort Key: wagtailcore_page.last_published_at" not in plan, plan
