"""Admin searches and listings count at most ADMIN_COUNT_CAP rows (issue 19): a common word
matches a share of the whole archive, and counting every match grew with it. Shapes are
checked (the SQL statements), not times; the archive bench measures the times."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from cms.admin_paging import BoundedCountPaginator
from tests.factories import make_article, make_section, make_site

CAP = 3


@pytest.fixture
def small_cap(settings):
    settings.KIOSQUE = {**settings.KIOSQUE, "ADMIN_COUNT_CAP": CAP, "ADMIN_SEARCH_COUNT_CAP": CAP}


@pytest.fixture
def tramway_articles():
    section = make_section(make_site())
    return [
        make_article(section, f"Le tramway, épisode {i}", slug=f"tram-{i}") for i in range(5)
    ] + [make_article(section, "Marée noire en Bretagne", slug="maree")]


@pytest.fixture
def chief(client):
    client.force_login(get_user_model().objects.create_superuser("chef", "c@example.fr", "x"))
    return client


def _searches(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    statements = [q["sql"] for q in queries if "TRAMWAY" in q["sql"].upper()]
    assert statements
    return response, statements


@pytest.mark.django_db
def test_admin_page_search_counts_and_facets_stop_at_the_cap(chief, small_cap, tramway_articles):
    response, statements = _searches(chief, "/admin/pages/search/", {"q": "tramway"})
    for sql in statements:
        # DISTINCT over every column made the database sort every match first.
        assert "DISTINCT" not in sql, sql
        if "COUNT(" in sql:
            assert f"LIMIT {CAP + 1}" in sql, sql
    html = response.content.decode()
    assert "épisode" in html and "Marée noire" not in html


@pytest.mark.django_db
def test_admin_search_count_is_exact_below_the_cap_and_capped_above(small_cap, tramway_articles):
    results = Page.objects.autocomplete("tramway")
    assert results.count() == CAP
    assert (
        Page.objects.autocomplete("tramway").facet("content_type_id")
        and sum(Page.objects.autocomplete("tramway").facet("content_type_id").values()) == CAP + 1
    )
    assert Page.objects.autocomplete("marée").count() == 1
    # Every match is still reachable page by page up to the cap, and none repeats.
    titles = [p.title for p in Page.objects.autocomplete("tramway")]
    assert len(titles) == len(set(titles)) == 5


@pytest.mark.django_db
def test_admin_page_chooser_search_counts_at_most_the_cap(chief, small_cap, tramway_articles):
    response, statements = _searches(chief, "/admin/choose-page/search/", {"q": "tramway"})
    counts = [sql for sql in statements if "COUNT(" in sql]
    assert counts and all(f"LIMIT {CAP + 1}" in sql for sql in counts), counts
    assert not any("DISTINCT" in sql for sql in statements), statements


@pytest.mark.django_db
def test_redirect_search_counts_at_most_the_cap(chief, small_cap):
    from wagtail.contrib.redirects.models import Redirect

    for i in range(5):
        Redirect.objects.create(old_path=f"/2019/tramway-{i}", redirect_link="/")
    response, statements = _searches(chief, "/admin/redirects/", {"q": "tramway"})
    counts = [sql for sql in statements if "COUNT(" in sql]
    assert counts and all(f"LIMIT {CAP + 1}" in sql for sql in counts), counts
    assert f"{CAP}+" in response.content.decode()


@pytest.mark.django_db
def test_bounded_paginator_is_exact_below_the_cap(small_cap):
    section = make_section(make_site())
    for i in range(2):
        make_article(section, f"Brève {i}", slug=f"breve-{i}")
    pages = Page.objects.filter(title__startswith="Brève").order_by("pk")
    exact = BoundedCountPaginator(pages, 1)
    assert (exact.count, exact.count_is_exact, exact.num_pages) == (2, True, 2)
    everything = BoundedCountPaginator(Page.objects.order_by("pk"), 1)
    assert (everything.count, everything.count_is_exact) == (CAP, False)
    assert everything.items_count_label.startswith(f"{CAP}+")


def _report_counts(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries if "COUNT(" in q["sql"]]


@pytest.mark.django_db
def test_aging_pages_report_counts_page_keys_up_to_the_cap(chief, small_cap, tramway_articles):
    response, counts = _report_counts(chief, "/admin/reports/aging-pages/")
    (count,) = [sql for sql in counts if "last_published_at" in sql]
    assert f"LIMIT {CAP + 1}" in count, count
    # Only the key is counted: not the listing's per-page subqueries (publisher, schedule).
    assert "wagtailcore_pagelogentry" not in count and "wagtailcore_revision" not in count
    html = response.content.decode()
    assert "épisode 0" in html and f"{CAP}+" in html


EVERY_PAGE_ID = 'IN (SELECT U0."id" AS "pk" FROM "wagtailcore_page" U0'


@pytest.mark.django_db
def test_site_history_report_counts_log_entries_up_to_the_cap(chief, small_cap, tramway_articles):
    with CaptureQueriesContext(connection) as queries:
        response, counts = _report_counts(chief, "/admin/reports/site-history/")
    # A superuser's entries are not filtered through every page id (hashed on each query).
    logs = [q["sql"] for q in queries if "wagtailcore_pagelogentry" in q["sql"]]
    assert logs and not [sql for sql in logs if EVERY_PAGE_ID in sql], logs
    (count,) = [sql for sql in counts if "wagtailcore_pagelogentry" in sql]
    assert f"LIMIT {CAP + 1}" in count, count
    assert f"{CAP}+" in response.content.decode()
    results = chief.get("/admin/reports/site-history/results/")
    assert results.status_code == 200 and "épisode" in results.content.decode()


@pytest.mark.django_db
def test_searches_have_their_own_smaller_cap(settings):
    from cms.admin_paging import BoundedSearchPaginator

    settings.KIOSQUE = {**settings.KIOSQUE, "ADMIN_COUNT_CAP": 5, "ADMIN_SEARCH_COUNT_CAP": 2}
    section = make_section(make_site())
    for i in range(4):
        make_article(section, f"Brève {i}", slug=f"breve-{i}")
    pages = Page.objects.filter(title__startswith="Brève")
    assert BoundedCountPaginator(pages, 1).count == 4
    assert BoundedSearchPaginator(pages, 1).count == 2
    assert Page.objects.autocomplete("Brève").count() == 2
