"""Article slugs are ASCII, unique per rubrique, and a clash names the page holding the slug,
typically a draft the admin autosaved from an abandoned attempt (issue 13, items 2 and 7)."""

import pytest
from django.contrib.auth import get_user_model

from news.models import ArticlePage
from tests.factories import make_article, make_section, make_site

TITLE = "La médiathèque de Kerbastel rouvre après l'été"


def _form(**fields) -> dict:
    data = {"title": TITLE, "slug": "", "standfirst": "Chapô.", "body-count": "0"}
    for prefix in ("article_authors", "related_links", "comments"):
        for name in ("TOTAL", "INITIAL", "MIN_NUM"):
            data[f"{prefix}-{name}_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    data.update(fields)
    return data


@pytest.fixture
def newsroom(db):
    home = make_site()
    section = make_section(home, "Culture", slug="culture")
    other = make_section(home, "Régions", slug="regions", menu_order=2)
    user = get_user_model().objects.create_superuser("chef-slug", "", "motdepasse-de-test")
    return {"section": section, "other": other, "user": user}


def test_a_slug_built_from_an_accented_title_is_ascii(newsroom):
    page = ArticlePage(title=TITLE, standfirst="Chapô.")
    newsroom["section"].add_child(instance=page)
    assert page.slug == "la-mediatheque-de-kerbastel-rouvre-apres-lete"


def test_an_accented_slug_typed_by_hand_is_refused(client, newsroom):
    client.force_login(newsroom["user"])
    section = newsroom["section"]
    response = client.post(
        f"/admin/pages/add/news/articlepage/{section.pk}/", _form(slug="médiathèque")
    )
    assert response.status_code == 200
    assert not ArticlePage.objects.filter(title=TITLE).exists()


def test_the_same_slug_in_two_rubriques_is_fine_and_still_editable(client, newsroom):
    client.force_login(newsroom["user"])
    for section in (newsroom["section"], newsroom["other"]):
        response = client.post(
            f"/admin/pages/add/news/articlepage/{section.pk}/", _form(slug="rentree")
        )
        assert response.status_code == 302
    page = ArticlePage.objects.filter(slug="rentree").first()
    response = client.post(f"/admin/pages/{page.pk}/edit/", _form(slug="rentree-culturelle"))
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.slug == "rentree-culturelle"


def test_a_clash_with_an_abandoned_draft_names_the_draft(client, newsroom):
    section = newsroom["section"]
    abandoned = make_article(section, TITLE, slug="mediatheque-rouvre", live=False)
    client.force_login(newsroom["user"])
    response = client.post(
        f"/admin/pages/add/news/articlepage/{section.pk}/", _form(slug="mediatheque-rouvre")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "est déjà pris dans cette rubrique" in html
    assert "brouillon jamais publié" in html
    assert f"/admin/pages/{abandoned.pk}/edit/" in html
    assert ArticlePage.objects.filter(slug="mediatheque-rouvre").count() == 1
