"""The author picker (issue 13, item 3): Wagtail's snippet chooser, searched as you type, with
each author's portrait, several authors chosen at once from the article form, in a number of
queries that does not grow with the page of results."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from news import roles
from news.author_chooser import PORTRAIT
from tests.factories import AuthorFactory, make_article, make_image, make_section, make_site

RESULTS = reverse("wagtailsnippetchoosers_news_author:choose_results")
CHOOSE = reverse("wagtailsnippetchoosers_news_author:choose")


@pytest.fixture
def writer(db, client):
    roles.ensure_roles()
    user = get_user_model().objects.create_user("plume-auteurs", "", "motdepasse-de-test")
    user.groups.add(Group.objects.get(name=roles.WRITERS))
    client.force_login(user)
    return user


def _portrait_count(html: str) -> int:
    return html.count(f".{PORTRAIT}.")


def test_search_as_you_type_finds_authors_with_their_portrait(client, writer):
    AuthorFactory(name="Marianne Le Goff", slug="marianne-le-goff", photo=make_image("Marianne"))
    AuthorFactory(name="Marc Olivier", slug="marc-olivier")
    AuthorFactory(name="Yao Mensah", slug="yao-mensah")
    response = client.get(RESULTS, {"q": "mar"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Marianne Le Goff" in html and "Marc Olivier" in html
    assert "Yao Mensah" not in html
    # Marianne has a photo: her thumbnail; Marc has none: no broken image.
    assert _portrait_count(html) == 1
    assert 'alt=""' in html
    # The modal's search form and its #id_q field: Wagtail's chooser modal searches them as
    # the editor types (SearchController, 200 ms after the last key).
    modal = client.get(CHOOSE).json()["html"]
    assert "data-chooser-modal-search" in modal and 'id="id_q"' in modal
    assert "Marianne Le Goff" in modal and _portrait_count(modal) == 1


def test_portraits_cost_the_same_queries_for_two_or_twelve_authors(client, writer):
    def results_queries() -> tuple[int, int]:
        client.get(RESULTS)  # thumbnails are made on first sight, like Wagtail's own
        with CaptureQueriesContext(connection) as queries:
            html = client.get(RESULTS).content.decode()
        return len(queries), _portrait_count(html)

    for n in range(2):
        AuthorFactory(name=f"Auteur {n}", slug=f"auteur-{n}", photo=make_image(f"P{n}"))
    few, shown = results_queries()
    assert shown == 2
    for n in range(2, 12):
        AuthorFactory(name=f"Auteur {n}", slug=f"auteur-{n}", photo=make_image(f"P{n}"))
    many, shown = results_queries()
    assert shown == 12
    assert many == few


def test_the_article_form_chooses_several_authors_at_once(client, db):
    section = make_section(make_site(), "Monde", slug="monde")
    article = make_article(section, "Un article", slug="un-article-auteurs")
    client.force_login(get_user_model().objects.create_superuser("chef-auteurs", "", "mdp-a"))
    html = client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    # MultipleChooserPanel: one button opens the author chooser in multiple-choice mode.
    assert 'id="id_article_authors-OPEN_MODAL"' in html
    assert "new MultipleChooserPanel(" in html
