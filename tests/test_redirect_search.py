"""The admin's redirect search (search/admin_redirects.py) against Wagtail's own: the same
redirects for every word, after the writes that change a target page's path, and, on
PostgreSQL, found without reading the pages that hold the word but are no redirect's target."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.redirects.views import IndexView

from search.admin_redirects import redirects_matching
from tests.factories import make_article, make_section, make_site

WORDS = ["tramway", "TRAMWAY", "Lyon", "metro", "archives", "/faits-divers/", "exemple.fr", "zzz"]


def wagtail_matches(word: str) -> set[int]:
    """Wagtail's search of the listing: one icontains per search field, OR'ed, across the join."""
    query = Q()
    for field in IndexView.search_fields:
        query |= Q(**{f"{field}__icontains": word})
    return set(Redirect.objects.filter(query).values_list("pk", flat=True))


def kiosque_matches(word: str) -> set[int]:
    return set(
        Redirect.objects.filter(pk__in=redirects_matching(word)).values_list("pk", flat=True)
    )


def assert_same_as_wagtail():
    for word in WORDS:
        assert kiosque_matches(word) == wagtail_matches(word), word


@pytest.mark.django_db
def test_the_redirect_search_finds_what_wagtails_search_finds_through_page_moves_and_renames():
    home = make_site()
    transports = make_section(home, "Transports", slug="transports")
    faits = make_section(home, "Faits divers", slug="faits-divers", menu_order=2)
    tram = make_article(transports, "Le tramway de Lyon", slug="tramway-lyon")
    metro = make_article(transports, "Le métro de Lyon", slug="metro-lyon")
    noyade = make_article(faits, "Sauvetage sur le Rhône", slug="sauvetage-rhone")
    make_article(transports, "Un tramway sans redirection", slug="tramway-sans-redirection")
    by_page = Redirect.objects.create(old_path="/archives/1", redirect_page=tram)
    Redirect.objects.create(old_path="/archives/2", redirect_page=metro)
    Redirect.objects.create(old_path="/2019/05/tramway-grenoble", redirect_link="/")
    Redirect.objects.create(old_path="/archives/3", redirect_link="https://exemple.fr/tramway")
    # Written in bulk, as an import does: no save() and no signal.
    Redirect.objects.bulk_create([Redirect(old_path="/archives/4", redirect_page=noyade)])
    assert_same_as_wagtail()

    # A rename rewrites the paths of the page and of its descendants.
    transports.slug = "mobilites"
    transports.save_revision().publish()
    assert by_page.pk in kiosque_matches("mobilites")
    assert_same_as_wagtail()

    # A move rewrites the whole subtree's paths in one UPDATE.
    transports.refresh_from_db()
    transports.move(faits, pos="last-child")
    assert by_page.pk in kiosque_matches("/faits-divers/mobilites/tramway-lyon/")
    assert_same_as_wagtail()

    # Retargeted: to another page, to an outside link, back to a page.
    by_page.redirect_page = noyade
    by_page.save()
    assert by_page.pk not in kiosque_matches("tramway")
    assert_same_as_wagtail()
    by_page.redirect_page = None
    by_page.redirect_link = "https://exemple.fr/ailleurs"
    by_page.save()
    assert_same_as_wagtail()
    Redirect.objects.filter(pk=by_page.pk).update(redirect_page=tram, redirect_link="")
    assert by_page.pk in kiosque_matches("tramway")
    assert_same_as_wagtail()

    # Deleted: the redirect and, through it, the page it pointed to.
    tram.refresh_from_db()
    tram.delete()
    assert not Redirect.objects.filter(pk=by_page.pk).exists()
    assert_same_as_wagtail()
    Redirect.objects.filter(redirect_page=noyade).delete()
    assert_same_as_wagtail()


@pytest.mark.django_db
def test_the_redirect_listing_shows_a_redirect_found_by_its_target_pages_new_path(client):
    home = make_site()
    section = make_section(home, "Transports", slug="transports")
    tram = make_article(section, "Le tramway de Lyon", slug="tramway-lyon")
    redirect = Redirect.objects.create(old_path="/archives/1", redirect_page=tram)
    client.force_login(get_user_model().objects.create_superuser("chef", "c@example.fr", "x"))
    section.slug = "mobilites"
    section.save_revision().publish()
    html = client.get("/admin/redirects/", {"q": "MOBILITES"}).content.decode()
    assert f"/admin/redirects/{redirect.pk}/" in html


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plan")
@pytest.mark.django_db
def test_the_redirect_search_reads_no_page_that_is_no_redirects_target(client):
    from django.test.utils import CaptureQueriesContext

    from tests.plans import analyzed_plan, plan_nodes

    home = make_site()
    section = make_section(home, "Transports", slug="transports")
    target = make_article(section, "Le tramway de Lyon", slug="tramway-lyon")
    # Many pages hold the word, one is a redirect's target.
    for i in range(30):
        make_article(section, f"Tramway, épisode {i}", slug=f"tramway-episode-{i}")
    redirect = Redirect.objects.create(old_path="/archives/1", redirect_page=target)
    client.force_login(get_user_model().objects.create_superuser("chef", "c@example.fr", "x"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/redirects/", {"q": "tramway"})
    assert response.status_code == 200
    assert f"/admin/redirects/{redirect.pk}/" in response.content.decode()
    searches = [q["sql"] for q in queries if 'FROM "wagtailredirects_redirect"' in q["sql"]]
    assert len(searches) == 2, searches  # the page of results and its count
    with connection.cursor() as cursor:
        # On tiny tables a scan looks cheapest: price scans out, so the plan shows what index
        # each lookup can use.
        cursor.execute("SET LOCAL enable_seqscan = off")
    for sql in searches:
        nodes = list(plan_nodes(analyzed_plan(sql)))
        indexes = {node.get("Index Name") for node in nodes}
        assert "kiosque_redirect_target_path_trgm" in indexes, indexes
        assert {"kiosque_redirect_old_path_trgm", "kiosque_redirect_link_trgm"} <= indexes
        # The lookups run once, their ids hashed, not compared with each redirect in turn.
        assert "(hashed SubPlan" in str(nodes[0]), nodes[0]
        # Pages are read only to show the listed redirects' targets, never to match the word:
        # no page row read through a path condition, at most one page row per redirect.
        on_pages = [n for n in nodes if n.get("Relation Name") == "wagtailcore_page"]
        for node in on_pages:
            conditions = str(node.get("Filter", "")) + str(node.get("Recheck Cond", ""))
            assert "url_path" not in conditions, node
            assert node["Actual Rows"] * node["Actual Loops"] <= 1, node
