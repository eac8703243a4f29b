"""Property: whatever edits the newsroom makes, in whatever order, no cached answer read after
an edit differs from the answer built from the database.

The suite runs 6 edit sequences; `make fuzz` (KIOSQUE_FUZZ=full) runs 60."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cms.graphql import cache as http_cache
from news.models import ArticlePage, Author, SectionPage, Topic
from tests.cache_tag_helpers import build_world, queries, read, truth, warm
from tests.conftest import clear_test_caches
from tests.factories import FeaturedArticle, dated, make_article
from tests.fuzz_budget import examples

EXAMPLES = examples(ci=6, full=60)

index = st.integers(min_value=0, max_value=50)
edits = st.one_of(
    st.tuples(st.just("publish"), index, index, index),
    st.tuples(st.just("retitle"), index),
    st.tuples(st.just("redate"), index, st.integers(min_value=0, max_value=12)),
    st.tuples(st.just("move"), index, index),
    st.tuples(st.just("unpublish"), index),
    st.tuples(st.just("republish"), index),
    st.tuples(st.just("retopic"), index, index),
    st.tuples(st.just("rename_topic"), index),
    st.tuples(st.just("rename_author"), index),
    st.tuples(st.just("feature"), index),
    st.tuples(st.just("rename_section"), index),
)


def pick(items, n):
    return items[n % len(items)] if items else None


def apply(edit, world, counter):
    kind, *args = edit
    sections = list(SectionPage.objects.order_by("pk"))
    articles = list(ArticlePage.objects.order_by("pk"))
    live = [a for a in articles if a.live]
    topics = list(Topic.objects.order_by("pk"))
    authors = list(Author.objects.order_by("pk"))
    if kind == "publish":
        slug = "nouvelle" if counter == 0 else f"nouvelle-{counter}"
        make_article(
            pick(sections, args[0]),
            # Some titles carry the words the search answers look for, some do not.
            f"{pick(['Article', 'Finale', 'Festival'], args[1] + args[2])} {counter}",
            slug=slug,
            published_at=dated(20 + counter),
            topics=[pick(topics, args[1])],
            authors=[pick(authors, args[2])],
        )
    elif kind in ("retitle", "redate", "retopic", "republish") and articles:
        article = pick(live if kind != "republish" else articles, args[0])
        if article is None:
            return
        article = ArticlePage.objects.get(pk=article.pk)
        if kind == "retitle":
            # Keeps its words, gains "finale", or loses every searched word.
            article.title = pick(
                [f"{article.title} (corrigé {counter})", f"Finale {counter}", f"Bilan {counter}"],
                counter,
            )
        elif kind == "redate":
            article.published_at = dated(args[1])
        elif kind == "retopic":
            article.set_topics([pick(topics, args[1])])
        article.save_revision().publish()
    elif kind == "move" and live:
        article = ArticlePage.objects.get(pk=pick(live, args[0]).pk)
        target = pick(sections, args[1])
        if not article.path.startswith(target.path):
            article.move(target, pos="last-child")
    elif kind == "unpublish" and live:
        ArticlePage.objects.get(pk=pick(live, args[0]).pk).unpublish()
    elif kind == "rename_topic":
        topic = pick(topics, args[0])
        topic.name, topic.slug = f"{topic.name} {counter}", f"{topic.slug}-{counter}"
        topic.save()
    elif kind == "rename_author":
        author = pick(authors, args[0])
        author.name = f"{author.name} {counter}"
        author.save()
    elif kind == "feature" and live:
        home = world["home"]
        FeaturedArticle.objects.create(page=home, article=pick(live, args[0]), sort_order=counter)
        home.refresh_from_db()
        home.save_revision().publish()
    elif kind == "rename_section":
        section = pick(sections, args[0])
        section.title = f"{section.title} {counter}"
        section.save_revision().publish()


@pytest.mark.django_db
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(sequence=st.lists(edits, min_size=1, max_size=4))
def test_random_edits_never_leave_a_stale_answer(client, sequence):
    with transaction.atomic():
        # Each sequence starts from its own newsroom and an empty cache.
        clear_test_caches()
        http_cache.reset_state()
        world = build_world()
        warm(client, world)
        for counter, edit in enumerate(sequence):
            apply(edit, world, counter)
            for name, query in queries(world).items():
                assert read(client, query)[1] == truth(client, query), (
                    name,
                    sequence[: counter + 1],
                )
        transaction.set_rollback(True)
