"""Which cached answers a newsroom change makes stale, in the tags of news.dependencies.

Signal handlers call `article_changed`, `section_changed`, ... and nothing else. An article
change bumps the article itself, the change-sensitive lookups (misses, search, translations)
and, when it joins, leaves or moves within a listing, the listings it belonged to before and
belongs to now: a publish in Sport leaves Culture's listings, the other articles and the home
page's featured list (unless it is on it) cached.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move, pre_page_move

from cms.graphql.cache import invalidate
from cms.graphql.dependencies import ALL
from news.dependencies import (
    HOME,
    SEARCH,
    STRUCTURE,
    address,
    listing_tags,
    page,
    slug_lookup,
)
from news.models import ArticleAuthor, ArticlePage, ArticleTopic, Author, SectionPage, Topic

_BEFORE = "_kiosque_before"
_moving = threading.local()


def membership(pk) -> dict | None:
    """What puts an article in listings, as the database holds it now: visibility, order,
    section, topics, authors."""
    row = (
        ArticlePage.objects.filter(pk=pk)
        .values(
            "live", "path", "slug", "published_at", "translation_key", "expire_at", "go_live_at"
        )
        .first()
    )
    if row is None:
        return None
    steplen = Page.steplen
    parent = row["path"][:-steplen]
    section = SectionPage.objects.filter(path=parent).values_list("slug", flat=True).first()
    topics = Topic.objects.filter(
        pk__in=ArticleTopic.objects.filter(page_id=pk).values("topic_id")
    ).values_list("slug", flat=True)
    authors = Author.objects.filter(
        pk__in=ArticleAuthor.objects.filter(page_id=pk).values("author_id")
    ).values_list("slug", flat=True)
    return {
        "live": row["live"],
        "order": (row["published_at"], row["expire_at"], row["go_live_at"]),
        "translation_key": row["translation_key"],
        "slug": row["slug"],
        "section": section,
        "topics": frozenset(topics),
        "authors": frozenset(authors),
    }


def membership_tags(state: dict | None) -> set[str]:
    if state is None:
        return set()
    tags = {*listing_tags(), f"translation:{state['translation_key']}"}
    if state["section"] is not None:
        tags.update(listing_tags(section=state["section"]))
    for slug in state["topics"]:
        tags.update(listing_tags(topic=slug))
    for slug in state["authors"]:
        tags.update(listing_tags(author=slug))
    return tags


def article_tags(pk, before: dict | None, after: dict | None, *, search: bool = True) -> set[str]:
    """Tags an article change bumps, from its state before and after the change. `search=False`:
    the search app bumps the words its index update touched instead (search.dependencies)."""
    tags = {page(pk), SEARCH} if search else {page(pk)}
    # Lookups by its old and new slug (found or not) change.
    tags.update(slug_lookup(state["slug"]) for state in (before, after) if state is not None)
    if before != after or before is None or not before["live"]:
        # It may have joined, left or moved within listings: both sides' listings change, and
        # so may its URL or whether it has one.
        tags |= membership_tags(before) | membership_tags(after)
        tags.add(address(pk))
    elif after is not None:
        # Same listings, same place: only answers that show it change (they record its page),
        # and its translations' answers.
        tags.add(f"translation:{after['translation_key']}")
    return tags


# --- Services the handlers call ------------------------------------------------------------


def remember_before(instance) -> None:
    if instance.pk is not None:
        setattr(instance, _BEFORE, membership(instance.pk))


def address_may_change(instance) -> bool:
    """Whether the save under way may change the article's URL or whether it has one (its
    slug, live state or schedule; a move is a move, not a save)."""
    before = getattr(instance, _BEFORE, None)
    if before is None:
        return True
    return (before["live"], before["slug"], before["order"][1:]) != (
        instance.live,
        instance.slug,
        (instance.expire_at, instance.go_live_at),
    )


def article_changed(instance) -> None:
    """Published or unpublished: the search app's own receivers of those signals update its
    index and bump the words it touched, so search answers not concerned stay cached."""
    before = getattr(instance, _BEFORE, None)
    if hasattr(instance, _BEFORE):
        delattr(instance, _BEFORE)
    invalidate(*article_tags(instance.pk, before, membership(instance.pk), search=False))


def article_deleted(instance) -> None:
    invalidate(*article_tags(instance.pk, membership(instance.pk), None))


def section_changed() -> None:
    """A section's visibility, title, slug or place: every public answer may depend on it."""
    invalidate(STRUCTURE)


def other_page_changed(instance) -> None:
    """The home page (or another page type): answers that show or link to it."""
    invalidate(page(instance.pk), address(instance.pk), HOME)


def snippet_changed(kind: str, instance, old_slug: str | None) -> None:
    """An author or topic: answers that show it, and the listings under its old and new slug."""
    tags = {f"{kind}:{instance.pk}", SEARCH, *listing_tags(**{kind: instance.slug})}
    if old_slug and old_slug != instance.slug:
        tags.update(listing_tags(**{kind: old_slug}))
    invalidate(*tags)


# At most this many upcoming go-lives (and as many expiries) are told apart; past the last
# one listed, every answer ends and the list is read again.
SCHEDULE_LIMIT = 50


def scheduled_events(now: float) -> list[tuple[float, set[str]]]:
    """Each go-live or expiry after `now` of a live page, with the tags of the answers it
    changes: the same as publishing or unpublishing it then (the API shows and hides pages by
    the clock, before Wagtail's scheduler runs)."""
    moment = datetime.fromtimestamp(now, tz=UTC)
    live = Page.objects.filter(live=True)
    events = []
    for field in ("go_live_at", "expire_at"):
        rows = list(
            live.filter(**{f"{field}__gt": moment})
            .order_by(field)
            .values_list("pk", "content_type_id", field)[:SCHEDULE_LIMIT]
        )
        for pk, type_id, at in rows:
            events.append((at.timestamp(), _tags_of_page(pk, type_id)))
        if len(rows) == SCHEDULE_LIMIT:
            events.append((rows[-1][2].timestamp(), {ALL}))
    return events


def _tags_of_page(pk, type_id) -> set[str]:
    model = ContentType.objects.get_for_id(type_id).model_class()
    if model is not None and issubclass(model, ArticlePage):
        return article_tags(pk, None, membership(pk))
    if model is not None and issubclass(model, SectionPage):
        return {STRUCTURE}
    return {page(pk), address(pk), HOME}


# --- Signal handlers -------------------------------------------------------------------------


def _page_handler(sender, instance, **kwargs):
    page_changed(instance)


def page_changed(instance) -> None:
    if isinstance(instance, ArticlePage):
        article_changed(instance)
    elif isinstance(instance, SectionPage):
        section_changed()
    else:
        other_page_changed(instance)


def _before_page_save(sender, instance, update_fields=None, raw=False, **kwargs):
    # Publishing saves the whole page: remember the listings it was in before.
    if not raw and update_fields is None and isinstance(instance, ArticlePage):
        remember_before(instance)


def _is_article(instance) -> bool:
    # Wagtail may send a plain Page: its specific class says what it is.
    return issubclass(getattr(instance, "specific_class", None) or type(instance), ArticlePage)


def _before_move(sender, instance, **kwargs):
    if _is_article(instance):
        _moving.before = (instance.pk, membership(instance.pk))


def _after_move(sender, instance, **kwargs):
    if _is_article(instance):
        pk, before = getattr(_moving, "before", (None, None))
        _moving.before = (None, None)
        invalidate(*article_tags(instance.pk, before if pk == instance.pk else None,
                                 membership(instance.pk)))  # fmt: skip
    else:
        page_changed(instance.specific)


def _before_page_delete(sender, instance, **kwargs):
    if isinstance(instance, ArticlePage):
        article_deleted(instance)
    elif isinstance(instance, SectionPage):
        section_changed()
    elif isinstance(instance, Page) and type(instance) is not Page:
        other_page_changed(instance)


def _remember_slug(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk is not None:
        instance._kiosque_old_slug = (
            sender.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
        )


def _snippet_saved(sender, instance, created=False, raw=False, **kwargs):
    kind = "topic" if sender is Topic else "author"
    if created:
        # Nothing showed it yet; only a listing asked for its slug did.
        invalidate(*listing_tags(**{kind: instance.slug}))
        return
    snippet_changed(kind, instance, getattr(instance, "_kiosque_old_slug", None))


def _topics_written(sender, instance, action, reverse, pk_set, **kwargs):
    # `article.topics.set()` / `topic.articlepage_set.add()` write the live link rows at once,
    # outside any page save: the listings of the topics concerned change now.
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:
        articles = set(pk_set or ()) or set(
            ArticleTopic.objects.filter(topic_id=instance.pk).values_list("page_id", flat=True)
        )
        slugs = {instance.slug}
    else:
        articles = {instance.pk}
        topic_ids = pk_set if action != "pre_clear" else None
        topics = Topic.objects.filter(
            pk__in=topic_ids
            if topic_ids is not None
            else ArticleTopic.objects.filter(page_id=instance.pk).values("topic_id")
        )
        slugs = set(topics.values_list("slug", flat=True))
    tags = {SEARCH, *(page(pk) for pk in articles)}
    for slug in slugs:
        tags.update(listing_tags(topic=slug))
    invalidate(*tags)


def _snippet_deleted(sender, instance, **kwargs):
    kind = "topic" if sender is Topic else "author"
    snippet_changed(kind, instance, None)


# (signal, handler, sender, dispatch_uid): wpimport holds some of them back during an import.
SIGNALS = (
    (page_published, _page_handler, None, "kiosque-cache-published"),
    (page_unpublished, _page_handler, None, "kiosque-cache-unpublished"),
    (pre_save, _before_page_save, None, "kiosque-cache-before-save"),
    (pre_page_move, _before_move, None, "kiosque-cache-before-move"),
    (post_page_move, _after_move, None, "kiosque-cache-moved"),
    (pre_delete, _before_page_delete, None, "kiosque-cache-page-delete"),
    (pre_save, _remember_slug, Topic, "kiosque-cache-topic-slug"),
    (pre_save, _remember_slug, Author, "kiosque-cache-author-slug"),
    (post_save, _snippet_saved, Topic, "kiosque-cache-topic-saved"),
    (post_save, _snippet_saved, Author, "kiosque-cache-author-saved"),
    (post_delete, _snippet_deleted, Topic, "kiosque-cache-topic-deleted"),
    (post_delete, _snippet_deleted, Author, "kiosque-cache-author-deleted"),
    (m2m_changed, _topics_written, ArticlePage.topics.through, "kiosque-cache-topic-links"),
)


def connect() -> None:
    for signal, handler, sender, uid in SIGNALS:
        signal.connect(handler, sender=sender, dispatch_uid=uid)


def disconnect() -> None:
    for signal, _handler, sender, uid in SIGNALS:
        signal.disconnect(sender=sender, dispatch_uid=uid)
