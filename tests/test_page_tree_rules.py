"""Page-tree rules: sections only under the home page, articles only under sections."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Page

from home.models import HomePage
from news.models import ArticlePage, RelatedLink, SectionPage
from tests.factories import make_article, make_section, make_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    home = make_site()
    section = make_section(home, "Monde")
    article = make_article(section, "Un article", slug="un-article")
    return home, section, article


def test_declared_parent_and_child_types():
    assert SectionPage.allowed_parent_page_models() == [HomePage]
    assert ArticlePage.allowed_parent_page_models() == [SectionPage]
    assert HomePage.allowed_subpage_models() == [SectionPage]
    assert SectionPage.allowed_subpage_models() == [ArticlePage]
    assert ArticlePage.allowed_subpage_models() == []


def test_articles_only_under_sections(tree):
    home, section, article = tree
    root = Page.get_first_root_node()
    assert ArticlePage.can_create_at(section)
    assert ArticlePage.can_exist_under(section)
    assert not ArticlePage.can_create_at(home)
    assert not ArticlePage.can_exist_under(home)
    assert not ArticlePage.can_create_at(root)
    assert not ArticlePage.can_create_at(article)


def test_sections_only_under_home(tree):
    home, section, article = tree
    root = Page.get_first_root_node()
    assert SectionPage.can_create_at(home)
    assert SectionPage.can_exist_under(home)
    assert not SectionPage.can_create_at(section)
    assert not SectionPage.can_exist_under(section)
    assert not SectionPage.can_create_at(article)
    assert not SectionPage.can_create_at(root)


def test_moving_an_article_out_of_its_section_is_refused(tree):
    home, section, article = tree
    assert not article.can_move_to(home)
    other = make_section(home, "Économie", slug="economie")
    assert article.can_move_to(other)


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("redaction", "r@example.org", "x-pass-123")
    client.force_login(user)
    return client


def _refused(response) -> bool:
    # Wagtail's admin answers a forbidden page type with a redirect to the dashboard.
    return response.status_code == 302 and response.url == reverse("wagtailadmin_home")


def test_admin_refuses_to_create_an_article_under_home(tree, admin_client):
    home, section, _ = tree
    url = reverse("wagtailadmin_pages:add", args=("news", "articlepage", home.pk))
    assert _refused(admin_client.get(url))
    before = ArticlePage.objects.count()
    response = admin_client.post(
        url, {"title": "Hors rubrique", "slug": "hors-rubrique", "standfirst": "Chapô."}
    )
    assert _refused(response)
    assert ArticlePage.objects.count() == before
    assert not Page.objects.filter(slug="hors-rubrique").exists()


def test_admin_offers_the_article_form_under_a_section(tree, admin_client):
    _, section, _ = tree
    url = reverse("wagtailadmin_pages:add", args=("news", "articlepage", section.pk))
    assert admin_client.get(url).status_code == 200


def test_admin_refuses_to_create_a_section_under_a_section(tree, admin_client):
    _, section, _ = tree
    url = reverse("wagtailadmin_pages:add", args=("news", "sectionpage", section.pk))
    assert _refused(admin_client.get(url))


def test_related_link_needs_exactly_one_target(tree):
    _, _, article = tree
    with pytest.raises(ValidationError):
        RelatedLink(page=article, title="Rien").clean()
    with pytest.raises(ValidationError):
        RelatedLink(
            page=article, target_page=article, url="https://example.org/", title="Les deux"
        ).clean()
    RelatedLink(page=article, target_page=article).clean()
    RelatedLink(page=article, url="https://example.org/", title="Ailleurs").clean()


def test_external_related_link_needs_a_title(tree):
    _, _, article = tree
    with pytest.raises(ValidationError) as excinfo:
        RelatedLink(page=article, url="https://example.org/").clean()
    assert "title" in excinfo.value.message_dict
