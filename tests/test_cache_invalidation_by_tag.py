"""A change drops exactly the cached answers that read what changed, and every answer read
after it equals the one built from the database: change -> expected-fresh / expected-kept."""

from datetime import timedelta

import pytest

from cms.graphql import cache as http_cache
from news.models import ArticlePage, Topic
from tests.cache_tag_helpers import build_world, queries, read, truth, warm
from tests.factories import FeaturedArticle, dated, make_article


@pytest.fixture
def world(db, client):
    world = build_world()
    warm(client, world)
    return world


def check(client, world, *, fresh=(), kept=()):
    """Every answer is right; those in `kept` came from the cache, those in `fresh` did not."""
    found = queries(world)
    assert set(fresh) | set(kept) <= set(found)
    for name, query in found.items():
        hit, data = read(client, query)
        assert data == truth(client, query), name
        if name in kept:
            assert hit, f"{name}: dropped, though it read nothing that changed"
        if name in fresh:
            assert not hit, f"{name}: served from the cache after a change it read"


def republish(article, **changes):
    article = ArticlePage.objects.get(pk=article.pk)
    for name, value in changes.items():
        if name == "topics":
            article.set_topics(value)
        else:
            setattr(article, name, value)
    article.save_revision().publish()
    return article


def test_a_new_article_in_sport_keeps_culture_and_the_other_articles(client, world):
    make_article(
        world["sections"]["sport"],
        "Nouvelle",
        slug="nouvelle",
        published_at=dated(9),
        topics=[world["topics"]["foot"]],
        authors=[world["authors"]["alice"]],
    )
    check(
        client,
        world,
        fresh=("sport", "sport-page-2", "all", "topic-foot", "author-alice", "article-by-slug"),
        kept=("culture", "topic-cinema", "article-sport", "article-culture", "home", "sections"),
    )


def test_a_new_article_keeps_the_searches_for_words_it_does_not_contain(client, world):
    make_article(world["sections"]["sport"], "Nouvelle", slug="nouvelle", published_at=dated(9))
    check(client, world, kept=("search-finale", "search-festival"))


def test_a_new_article_with_a_searched_word_rebuilds_that_search_only(client, world):
    make_article(
        world["sections"]["sport"], "Une autre finale", slug="nouvelle", published_at=dated(9)
    )
    check(client, world, fresh=("search-finale",), kept=("search-festival",))


def test_a_correction_that_drops_a_searched_word_rebuilds_that_search(client, world):
    republish(world["sport"], title="Match retour")
    check(client, world, fresh=("search-finale",), kept=("search-festival",))


def test_unpublishing_an_article_rebuilds_the_searches_it_matched(client, world):
    ArticlePage.objects.get(pk=world["sport"].pk).unpublish()
    check(client, world, fresh=("search-finale",), kept=("search-festival",))


def test_an_editors_pick_rebuilds_every_search(client, world):
    from wagtail.contrib.search_promotions.models import Query, SearchPromotion

    SearchPromotion.objects.create(
        query=Query.get("festival"), page=world["sport"], sort_order=0, description=""
    )
    check(client, world, fresh=("search-festival", "search-finale"))


def test_a_correction_rebuilds_only_the_answers_that_show_the_article(client, world):
    republish(world["sport"], title="Finale (corrigé)")
    check(
        client,
        world,
        fresh=("sport", "all", "topic-foot", "author-alice", "article-sport"),
        # Same listings, same place: the second page of Sport does not show it.
        kept=("sport-page-2", "culture", "topic-cinema", "article-culture", "home"),
    )


def test_an_article_moved_to_culture_leaves_sport_and_joins_culture(client, world):
    article = ArticlePage.objects.get(pk=world["sport"].pk)
    article.move(world["sections"]["culture"], pos="last-child")
    check(
        client,
        world,
        fresh=("sport", "sport-page-2", "culture", "all", "article-sport"),
        kept=("topic-cinema", "article-culture", "home", "sections"),
    )


def test_unpublishing_a_featured_article_rebuilds_its_listings_and_the_home(client, world):
    ArticlePage.objects.get(pk=world["culture"].pk).unpublish()
    check(
        client,
        world,
        fresh=("culture", "all", "topic-cinema", "article-culture", "home"),
        kept=("sport", "sport-page-2", "topic-foot", "article-sport", "author-alice"),
    )


def test_a_topic_change_moves_articles_between_topic_listings(client, world):
    republish(world["sport"], topics=[world["topics"]["cinema"]])
    check(
        client,
        world,
        fresh=("topic-foot", "topic-cinema", "article-sport", "sport", "all"),
        kept=("culture", "article-culture", "home"),
    )


def test_a_topic_merge_empties_the_old_topic_and_keeps_unrelated_answers(client, world):
    foot, cinema = world["topics"]["foot"], world["topics"]["cinema"]
    for article in ArticlePage.objects.filter(topics=foot):
        republish(article, topics=[cinema])
    Topic.objects.filter(pk=foot.pk).delete()
    check(
        client,
        world,
        fresh=("topic-foot", "topic-cinema", "article-sport"),
        kept=("article-culture", "home", "sections"),
    )


def test_a_topic_rename_rebuilds_the_answers_that_show_it(client, world):
    foot = world["topics"]["foot"]
    foot.name, foot.slug = "Football", "football"
    foot.save()
    check(
        client,
        world,
        fresh=("topic-foot", "article-sport"),
        kept=("culture", "topic-cinema", "article-culture", "home"),
    )


def test_an_author_rename_rebuilds_the_answers_that_show_her(client, world):
    alice = world["authors"]["alice"]
    alice.name = "Alice Martin"
    alice.save()
    check(
        client,
        world,
        fresh=("article-sport", "author-alice"),
        kept=("culture", "article-culture", "home", "sport-page-2"),
    )


def test_a_section_rename_is_seen_everywhere(client, world):
    """Sections decide what every newsroom answer may show: their changes drop them all."""
    culture = world["sections"]["culture"]
    culture.title, culture.slug = "Arts", "arts"
    culture.save_revision().publish()
    check(client, world, fresh=("culture", "article-culture", "sections", "sport"))


def test_a_new_front_page_selection_rebuilds_only_the_home(client, world):
    home = world["home"]
    FeaturedArticle.objects.create(page=home, article=world["sport"], sort_order=5)
    home.refresh_from_db()
    home.save_revision().publish()
    check(
        client,
        world,
        fresh=("home",),
        kept=("sport", "culture", "all", "article-sport", "article-culture", "sections"),
    )


def test_a_scheduled_go_live_in_sport_keeps_culture_cached(client, world, clock):
    article = make_article(world["sections"]["sport"], "Embargo", published_at=dated(8))
    # Live with a go-live moment ahead (as imports write it): written without signals, so this
    # process forgets what it knew of the schedule, as a process started afterwards would.
    ArticlePage.objects.filter(pk=article.pk).update(go_live_at=clock.now)
    http_cache.reset_state()
    clock.advance(minutes=-10)
    warm(client, world)
    clock.advance(minutes=20)
    # No signal at all: each entry ends at the first scheduled moment that changes what it read.
    check(
        client,
        world,
        fresh=("sport", "all"),
        kept=("culture", "topic-cinema", "article-culture", "article-sport", "home", "sections"),
    )


def test_a_scheduled_expiry_ends_the_answers_that_show_the_article(client, world, clock):
    article = ArticlePage.objects.get(pk=world["culture"].pk)
    article.expire_at = clock.now + timedelta(minutes=10)
    article.save_revision().publish()
    warm(client, world)
    clock.advance(minutes=20)
    check(
        client,
        world,
        fresh=("culture", "all", "topic-cinema", "article-culture", "home"),
        kept=("sport", "sport-page-2", "topic-foot", "article-sport", "sections"),
    )


def test_an_article_published_under_a_slug_asked_for_is_seen(client, world):
    """Slugs are unique per section only: a newer article with the same slug in another
    section answers `article(slug:)` from now on."""
    slug = world["sport"].slug
    query = f'{{ article(slug: "{slug}") {{ id title }} }}'
    read(client, query)
    make_article(world["sections"]["culture"], "Homonyme", slug=slug, published_at=dated(9))
    hit, data = read(client, query)
    assert not hit
    assert data == truth(client, query)


def test_topic_links_written_directly_drop_the_listings_of_both_topics(client, world):
    # `topics.set()` writes the live link rows at once, with no page save or publish.
    article = ArticlePage.objects.get(pk=world["sport"].pk)
    article.topics.set([world["topics"]["cinema"]])
    check(
        client,
        world,
        fresh=("topic-foot", "topic-cinema", "article-sport"),
        kept=("culture", "article-culture", "home"),
    )
