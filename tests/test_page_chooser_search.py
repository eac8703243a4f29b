"""The page chooser's search (cms/admin_chooser.py) reads its rows' status and parents in bulk:
its SQL does not grow with the rows shown, and each row still shows its parent and status."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_article, make_section, make_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief(client):
    client.force_login(get_user_model().objects.create_superuser("chef", "c@example.fr", "x"))
    return client


def search(client, q):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("wagtailadmin_choose_page_search"), {"q": q})
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_chooser_search_sql_does_not_grow_with_the_rows_shown(chief):
    home = make_site()
    monde, sport = make_section(home, "Monde"), make_section(home, "Sport")
    for n in range(2):
        make_article(monde, f"Tramway {n}", slug=f"tram-{n}")
    make_article(sport, "Funiculaire 0", slug="funi-0")
    search(chief, "tramway")  # warm: content types, locales
    few_html, few = search(chief, "funiculaire")
    for n in range(1, 9):
        make_article(sport if n % 2 else monde, f"Funiculaire {n}", slug=f"funi-{n}")
    many_html, many = search(chief, "funiculaire")
    assert "Funiculaire 8" in many_html
    assert many_html.count("Funiculaire ") == 9 * few_html.count("Funiculaire ")
    assert many == few, (few, many)
    # Each row still names its parent rubrique.
    assert "Monde" in many_html and "Sport" in many_html


def test_the_chooser_search_is_the_route_wagtail_reverses_to(chief):
    assert reverse("wagtailadmin_choose_page_search") == "/admin/choose-page/search/"
