"""Wagtail and Django signals that feed the change log, webhooks and redirect stamps."""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from delivery import feed


def on_published(sender, instance, **kwargs):
    feed.refresh_subtree(instance)


def on_unpublished(sender, instance, **kwargs):
    # Wagtail also "unpublishes" pages about to be deleted, without saving (commit=False): the
    # row is still live then, and the post_delete handler writes the tombstones instead.
    if instance.pk in feed.deleting() or Page.objects.filter(pk=instance.pk, live=True).exists():
        return
    feed.refresh_subtree(instance, reason="unpublished")


def on_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    page = Page.objects.get(pk=instance.pk)
    old_root = feed.root_path_of(parent_page_before.path + "0" * Page.steplen)
    new_root = feed.root_path_of(page.path)
    if old_root and old_root != new_root:
        feed.record_moved_out(page, old_root)
    feed.refresh_subtree(page, reason="unpublished")


def on_page_pre_delete(sender, instance, **kwargs):
    if isinstance(instance, Page):
        feed.deleting().add(instance.pk)


def on_page_deleted(sender, instance, **kwargs):
    label = feed.TRACKED.get(type(instance))
    if label is not None:
        feed.record_delete(label, instance.pk, instance.path)
    if isinstance(instance, Page):
        feed.deleting().discard(instance.pk)


def on_restriction_changed(sender, instance, **kwargs):
    if instance.page_id in feed.deleting():
        return  # cascaded from a page deletion: the page's own DELETE follows
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        feed.refresh_subtree(page, reason="unpublished")


def on_redirect_saved(sender, instance, **kwargs):
    from delivery import webhooks
    from delivery.models import RedirectStamp

    RedirectStamp.objects.update_or_create(
        redirect=instance, defaults={"updated_at": timezone.now()}
    )
    webhooks.enqueue(
        "redirect.changed", lambda: webhooks.redirect_payload(instance, deleted=False)
    )


def on_redirect_deleted(sender, instance, **kwargs):
    from delivery import webhooks

    webhooks.enqueue("redirect.changed", lambda: webhooks.redirect_payload(instance, deleted=True))


def on_bulk_written(sender, **kwargs):
    feed.reconcile()


def connect():
    from news.signals import pages_bulk_written

    pages_bulk_written.connect(on_bulk_written, dispatch_uid="kiosque_feed_bulk_written")
    page_published.connect(on_published, dispatch_uid="kiosque_feed_published")
    page_unpublished.connect(on_unpublished, dispatch_uid="kiosque_feed_unpublished")
    post_page_move.connect(on_moved, dispatch_uid="kiosque_feed_moved")
    # Per model, so unrelated bulk deletes keep Django's fast path.
    pre_delete.connect(on_page_pre_delete, sender=Page, dispatch_uid="kiosque_feed_pre_delete")
    for model in (Page, *feed.TRACKED):
        post_delete.connect(
            on_page_deleted, sender=model, dispatch_uid=f"kiosque_feed_deleted_{model.__name__}"
        )
    post_save.connect(
        on_restriction_changed, sender=PageViewRestriction, dispatch_uid="kiosque_feed_restrict"
    )
    post_delete.connect(
        on_restriction_changed, sender=PageViewRestriction, dispatch_uid="kiosque_feed_unrestrict"
    )
    post_save.connect(on_redirect_saved, sender=Redirect, dispatch_uid="kiosque_redirect_saved")
    post_delete.connect(
        on_redirect_deleted, sender=Redirect, dispatch_uid="kiosque_redirect_deleted"
    )
