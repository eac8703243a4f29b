"""The reference index (the admin's "usage" of images, topics, authors and pages) is updated
once per page save, whatever the number of inline rows, and stays exact."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from news.models import ArticlePage
from tests.factories import (
    AuthorFactory,
    TopicFactory,
    make_article,
    make_image_with_renditions,
    make_section,
    make_site,
)

pytestmark = pytest.mark.django_db


def index_reads(queries) -> int:
    return sum(
        1
        for q in queries
        if q["sql"].startswith("SELECT") and 'FROM "wagtailcore_referenceindex"' in q["sql"]
    )


@pytest.fixture
def article():
    section = make_section(make_site(), "Monde")
    targets = [make_article(section, f"Cible {n}") for n in range(3)]
    return make_article(
        section,
        "Beaucoup de lignes",
        topics=[TopicFactory() for _ in range(8)],
        authors=[AuthorFactory() for _ in range(3)],
        related=targets,
    )


def test_publishing_an_article_with_many_inline_rows_updates_the_index_once_per_save(article):
    page = ArticlePage.objects.get(pk=article.pk)
    page.title = "Beaucoup de lignes, corrigé"
    with CaptureQueriesContext(connection) as queries:
        page.save_revision().publish()
    # Two saves (the draft's revision, then the publish): one update each. Wagtail alone does
    # one more for each of the 14 inline rows the publish writes.
    assert index_reads(queries.captured_queries) == 2


def test_the_index_follows_the_lead_image_and_the_topics(article):
    old_image = make_image_with_renditions("Ancienne", width=40, height=30)
    new_image = make_image_with_renditions("Nouvelle", width=40, height=30)
    page = ArticlePage.objects.get(pk=article.pk)
    page.lead_image = old_image
    page.save_revision().publish()
    assert ReferenceIndex.get_references_to(old_image).filter(object_id=str(page.pk)).exists()

    kept, dropped = [link.topic for link in page.article_topics.all()][:2]
    page = ArticlePage.objects.get(pk=article.pk)
    page.lead_image = new_image
    page.set_topics([kept])
    page.save_revision().publish()
    assert not ReferenceIndex.get_references_to(old_image).filter(object_id=str(page.pk)).exists()
    assert ReferenceIndex.get_references_to(new_image).filter(object_id=str(page.pk)).exists()
    assert ReferenceIndex.get_references_to(kept).filter(object_id=str(page.pk)).exists()
    assert not ReferenceIndex.get_references_to(dropped).filter(object_id=str(page.pk)).exists()


def test_a_caller_that_holds_updates_back_keeps_them_held(article):
    # A bulk writer (the WordPress import) holds the index back and rebuilds it itself: a page
    # save inside must neither update it nor turn the hold off.
    image = make_image_with_renditions("Tenue", width=40, height=30)
    with disable_reference_index_auto_update():
        page = ArticlePage.objects.get(pk=article.pk)
        page.lead_image = image
        page.save()
        page.title = "Encore"
        page.save()
        assert not ReferenceIndex.get_references_to(image).exists()
