"""The listing's path-based section check (the fast plan) hides what the subquery form hid."""

import pytest
from wagtail.models import PageViewRestriction

from tests.factories import dated, make_article, make_section, make_site

QUERY = "query($s: String) { articles(section: $s) { edges { node { title } } } }"


@pytest.mark.django_db
def test_articles_under_hidden_sections_are_not_listed(gql):
    home = make_site()
    monde = make_section(home, "Monde")
    draft = make_section(home, "Brouillons", live=False)
    private = make_section(home, "Interne")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    make_article(monde, "Visible", published_at=dated(1))
    make_article(draft, "Sous un brouillon", published_at=dated(2))
    make_article(private, "Sous une rubrique privée", published_at=dated(3))

    def titles(section=None):
        data = gql.data(QUERY, {"s": section})["articles"]["edges"]
        return [edge["node"]["title"] for edge in data]

    assert titles() == ["Visible"]
    assert titles("monde") == ["Visible"]
    assert titles("brouillons") == []
    assert titles("interne") == []
    assert titles("inconnue") == []


@pytest.mark.django_db
def test_live_articles_saved_without_a_date_get_one_from_the_backfill_migration(gql):
    """Rows written around ArticlePage.save() (an import, a bulk update) may lack the date the
    listing orders and paginates by; migration news/0003 gives them their first publication."""
    import importlib

    from django.apps import apps

    from news.models import ArticlePage

    backfill = importlib.import_module("news.migrations.0003_backfill_published_at").backfill
    section = make_section(make_site(), "Monde", slug="monde")
    article = make_article(section, "Sans date", slug="sans-date")
    ArticlePage.objects.filter(pk=article.pk).update(published_at=None)
    assert "sans-date" not in str(gql.data("{ articles { edges { node { slug } } } }"))
    backfill(apps, None)
    article.refresh_from_db()
    assert article.published_at == article.first_published_at is not None
    assert "sans-date" in str(gql.data("{ articles { edges { node { slug } } } }"))
