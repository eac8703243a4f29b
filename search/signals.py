"""Keep the search index in step with publishing. Handlers only call search.services."""

from django.db.models.signals import post_delete, post_save
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.signals import page_published, page_unpublished

from news.models import ArticlePage, Author, Topic
from news.signals import articles_bulk_created
from search import dependencies, services


def on_published(sender, instance, **kwargs):
    if isinstance(instance, ArticlePage):
        services.index_article(instance)


def on_unpublished(sender, instance, **kwargs):
    if isinstance(instance, ArticlePage):
        services.remove_article(instance.pk)


def on_articles_bulk_created(sender, ids, **kwargs):
    services.index_articles(ids)


def on_topic_saved(sender, instance, created, raw=False, **kwargs):
    if not created and not raw:
        services.reindex_topic(instance.pk)


def on_author_saved(sender, instance, created, raw=False, **kwargs):
    if not created and not raw:
        services.reindex_author(instance.pk)


def on_picks_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        dependencies.all_changed()


def connect():
    page_published.connect(on_published, dispatch_uid="search.on_published")
    page_unpublished.connect(on_unpublished, dispatch_uid="search.on_unpublished")
    articles_bulk_created.connect(
        on_articles_bulk_created, dispatch_uid="search.on_articles_bulk_created"
    )
    post_save.connect(on_topic_saved, sender=Topic, dispatch_uid="search.on_topic_saved")
    post_save.connect(on_author_saved, sender=Author, dispatch_uid="search.on_author_saved")
    for signal in (post_save, post_delete):
        signal.connect(on_picks_changed, sender=SearchPromotion, dispatch_uid="search.on_picks")
