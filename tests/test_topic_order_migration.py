"""The migration to ordered topics (news 0006) keeps every existing link, in the order the API
gave until then (French alphabetical), and the topics held by article revisions (drafts,
scheduled versions) too."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Revision

from news.models import ArticlePage
from tests.factories import TopicFactory, make_article, make_section, make_site

BEFORE = [("news", "0005_page_tree_root_index")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_links_and_revisions_keep_their_topics_in_the_former_order():
    monde = make_section(make_site(), "Monde", slug="monde")
    article = make_article(monde, "Un article", slug="un-article")
    other = make_article(monde, "Un autre", slug="un-autre")
    names = ["Zoé Lambert", "Élise Marveaux", "agriculture"]
    topics = [TopicFactory(name=name, slug=f"sujet-{n}") for n, name in enumerate(names)]
    draft = article.save_revision()
    try:
        old = _migrate(BEFORE)
        links = old.get_model("news", "ArticlePage")._meta.get_field("topics").remote_field.through
        links.objects.bulk_create(
            [links(articlepage_id=article.pk, topic_id=t.pk) for t in topics]
            + [links(articlepage_id=other.pk, topic_id=topics[0].pk)]
        )
        # A revision as the old field serialised it: a list of keys.
        content = dict(draft.content, topics=[t.pk for t in topics])
        content.pop("article_topics", None)
        Revision.objects.filter(pk=draft.pk).update(content=content)
    finally:
        _migrate(_latest())

    expected = ["agriculture", "Élise Marveaux", "Zoé Lambert"]
    article = ArticlePage.objects.get(pk=article.pk)
    assert [link.topic.name for link in article.article_topics.all()] == expected
    assert [t.name for t in ArticlePage.objects.get(pk=other.pk).topics.all()] == ["Zoé Lambert"]
    migrated = Revision.objects.get(pk=draft.pk)
    assert "topics" not in migrated.content
    assert [link.topic.name for link in migrated.as_object().article_topics.all()] == expected


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
