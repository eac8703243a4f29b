"""Property: whatever edits the newsroom makes, in whatever order, every live article has a
stored render and reading through it gives exactly the answer computed afresh.

The suite runs a few edit sequences; `make fuzz` (KIOSQUE_FUZZ=full) runs many more."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from news.models import ArticlePage, ArticleRender, Author, SectionPage, Topic
from tests.factories import AuthorFactory, TopicFactory, make_image_with_renditions
from tests.fuzz_budget import examples
from tests.render_helpers import LISTING, SMALL, article_query, build_world, get, link

EXAMPLES = examples(ci=8, full=150)

index = st.integers(min_value=0, max_value=20)
edits = st.one_of(
    st.tuples(st.just("rename_author"), index),
    st.tuples(st.just("rename_topic"), index),
    st.tuples(st.just("retitle_image"), index),
    st.tuples(st.just("author_photo"), index, index),
    st.tuples(st.just("toggle_live"), index),
    st.tuples(st.just("toggle_private"), index),
    st.tuples(st.just("reslug_section"), index),
    st.tuples(st.just("rebody"), index, index, index),
    st.tuples(st.just("retopic"), index, index),
    st.tuples(st.just("delete"), index),
)


def pick(items, n):
    return items[n % len(items)] if items else None


def apply(edit, world, counter) -> None:
    kind, *args = edit
    articles = list(ArticlePage.objects.order_by("pk"))
    others = [a for a in articles if a.pk != world["main"].pk]
    images = world["image_list"]
    if kind == "rename_author":
        author = pick(list(Author.objects.order_by("pk")), args[0])
        author.name = f"{author.name} {counter}"
        author.save()
    elif kind == "rename_topic":
        topic = pick(list(Topic.objects.order_by("pk")), args[0])
        topic.name = f"Sujet {counter}"
        topic.save()
    elif kind == "retitle_image":
        image = pick(images, args[0])
        image.title = f"Image {counter}"
        image.save()
    elif kind == "author_photo":
        author = pick(list(Author.objects.order_by("pk")), args[0])
        author.photo = pick([None, *images], args[1])
        author.save()
    elif kind == "toggle_live" and others:
        article = pick(others, args[0])
        if article.live:
            article.unpublish()
        else:
            article.get_latest_revision().publish()
    elif kind == "toggle_private":
        page = pick([*others, *SectionPage.objects.order_by("pk")], args[0])
        if page is None:
            return
        found = PageViewRestriction.objects.filter(page=page)
        if found.exists():
            for restriction in found:
                restriction.delete()
        else:
            PageViewRestriction.objects.create(page=page, restriction_type="login")
    elif kind == "reslug_section":
        section = pick(list(SectionPage.objects.order_by("pk")), args[0])
        section.slug = f"rubrique-{counter}"
        section.save_revision().publish()
    elif kind == "rebody":
        main = ArticlePage.objects.get(pk=world["main"].pk)
        a, b = pick(others, args[0]) or main, pick(others, args[1]) or main
        main.body = [
            ("paragraph", {"text": RichText(f"<p>{link(a)} puis {link(b, 'b')}</p>")}),
            ("image", {"image": pick(images, args[2]), "caption": "", "credit": "", "alt": ""}),
            ("related", {"page": b, "label": "À lire"}),
        ]
        main.save_revision().publish()
    elif kind == "retopic":
        main = ArticlePage.objects.get(pk=world["main"].pk)
        topics = list(Topic.objects.order_by("pk"))
        main.set_topics([pick(topics, args[0]), pick(topics, args[1])])
        main.save_revision().publish()
    elif kind == "delete" and len(others) > 1:
        pick(others, args[0]).delete()


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        world = build_world()
        TopicFactory(name="Cinéma", slug="cinema")
        AuthorFactory(name="Bob", slug="bob")
        world["image_list"] = [
            *world["images"].values(),
            make_image_with_renditions("Autre", **SMALL),
        ]
    return world


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(sequence=st.lists(edits, min_size=1, max_size=4))
def test_random_edits_keep_stored_renders_equal_to_fresh(
    client, world, django_capture_on_commit_callbacks, sequence
):
    with transaction.atomic():
        for counter, edit in enumerate(sequence):
            with django_capture_on_commit_callbacks(execute=True):
                apply(edit, world, counter)
            live = list(ArticlePage.objects.live().values_list("pk", flat=True))
            stored = set(ArticleRender.objects.values_list("pk", flat=True))
            assert set(live) <= stored, ("missing renders", sequence[: counter + 1])
            for query in [*(article_query(pk) for pk in live), LISTING]:
                assert get(client, query) == get(client, query, renders="off"), (
                    query,
                    sequence[: counter + 1],
                )
        transaction.set_rollback(True)
