"""The change feed: what each edit writes, cursor errors, pruning, and the replay property."""

import os
import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import PageViewRestriction

from delivery.models import ChangeLog, FeedState
from delivery.schema import encode_change_cursor
from delivery.selectors import Position
from news.visibility import published_articles
from tests.factories import make_article, make_section, make_site

FEED = """query($since: String, $first: Int) {
  changes(since: $since, first: $first) {
    entries { id contentType kind updatedAt } nextCursor hasMore
  }
}"""


def feed(gql, since=None, first=100):
    return gql.data(FEED, {"since": since, "first": first})["changes"]


def kinds(gql, since=None):
    return {(e["contentType"], int(e["id"])): e["kind"] for e in feed(gql, since)["entries"]}


@pytest.fixture
def tree(db):
    home = make_site()
    monde = make_section(home, "Monde")
    return home, monde


@pytest.mark.django_db
def test_publish_writes_upsert_and_drafts_write_nothing(gql, tree):
    home, monde = tree
    article = make_article(monde, "Publié")
    draft = make_article(monde, "Brouillon", live=False)
    got = kinds(gql)
    assert got[("news.ArticlePage", article.pk)] == "UPSERT"
    assert got[("news.SectionPage", monde.pk)] == "UPSERT"
    assert ("news.ArticlePage", draft.pk) not in got


@pytest.mark.django_db
def test_unpublish_and_delete_write_tombstones(gql, tree):
    home, monde = tree
    gone = make_article(monde, "Dépublié")
    deleted = make_article(monde, "Supprimé")
    cursor = feed(gql)["nextCursor"]
    gone.unpublish()
    deleted.delete()
    got = kinds(gql, cursor)
    assert got == {
        ("news.ArticlePage", gone.pk): "DELETE",
        ("news.ArticlePage", deleted.pk): "DELETE",
    }


@pytest.mark.django_db
def test_restriction_hides_the_whole_subtree_and_lifting_it_restores(gql, tree):
    home, monde = tree
    article = make_article(monde, "Derrière un mot de passe")
    cursor = feed(gql)["nextCursor"]
    restriction = PageViewRestriction.objects.create(
        page=monde, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    assert kinds(gql, cursor) == {
        ("news.SectionPage", monde.pk): "DELETE",
        ("news.ArticlePage", article.pk): "DELETE",
    }
    cursor = feed(gql)["nextCursor"]
    restriction.delete()
    assert kinds(gql, cursor) == {
        ("news.SectionPage", monde.pk): "UPSERT",
        ("news.ArticlePage", article.pk): "UPSERT",
    }


@pytest.mark.django_db
def test_move_under_an_unpublished_section_is_a_delete(gql, tree):
    home, monde = tree
    hidden = make_section(home, "Coulisses", live=False)
    article = make_article(monde, "Déplacé")
    cursor = feed(gql)["nextCursor"]
    article.move(hidden, pos="last-child")
    assert kinds(gql, cursor) == {("news.ArticlePage", article.pk): "DELETE"}


@pytest.mark.django_db
def test_replay_returns_only_the_latest_state_per_object(gql, tree):
    home, monde = tree
    article = make_article(monde, "Souvent modifié")
    for _ in range(3):
        article.save_revision().publish()
    entries = [e for e in feed(gql)["entries"] if e["contentType"] == "news.ArticlePage"]
    assert [int(e["id"]) for e in entries] == [article.pk]


@pytest.mark.django_db
def test_pages_follow_the_cursor(gql, tree):
    home, monde = tree
    for n in range(5):
        make_article(monde, f"Article {n}")
    first = feed(gql, first=2)
    assert first["hasMore"] is True and len(first["entries"]) == 2
    rest = feed(gql, first["nextCursor"], first=100)
    assert rest["hasMore"] is False
    seen = [e["id"] for e in first["entries"] + rest["entries"]]
    assert len(seen) == len(set(seen)) == 6  # 5 articles + the section


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cursor", ["nope", "Y2hnOi0x", encode_change_cursor(Position("abc", 1))[:-1] + "!"]
)
def test_a_malformed_cursor_is_a_client_error(gql, tree, cursor):
    payload = gql.query(FEED, {"since": cursor})
    assert payload["errors"][0]["extensions"]["code"] == "BAD_CURSOR"


@pytest.mark.django_db
def test_first_is_bounded(gql, tree):
    payload = gql.query(FEED, {"first": 0})
    assert payload["errors"][0]["extensions"]["code"] == "BAD_ARGUMENT"


@pytest.mark.django_db
def test_pruning_old_tombstones_forces_stale_clients_to_resync(gql, tree, settings):
    home, monde = tree
    settings.KIOSQUE_CHANGES_RETENTION_DAYS = 30
    old = make_article(monde, "Ancien")
    recent = make_article(monde, "Récent")
    stale_cursor = feed(gql)["nextCursor"]
    old.delete()
    ChangeLog.objects.filter(object_id=old.pk).update(
        updated_at=timezone.now() - timedelta(days=31)
    )
    fresh_cursor = feed(gql)["nextCursor"]
    recent.unpublish()

    call_command("prune_changes", verbosity=0)

    assert not ChangeLog.objects.filter(object_id=old.pk).exists()
    assert ChangeLog.objects.filter(object_id=recent.pk, kind="DELETE").exists()
    assert FeedState.get().pruned_through > 0
    payload = gql.query(FEED, {"since": stale_cursor})
    assert payload["errors"][0]["extensions"]["code"] == "RESYNC_REQUIRED"
    assert "errors" not in gql.query(FEED, {"since": fresh_cursor})
    assert "errors" not in gql.query(FEED)  # a full replay is always possible


# --- Replay property --------------------------------------------------------------------------


class App:
    """A mobile app keeping articles offline: applies the feed page by page."""

    def __init__(self, gql, page_size):
        self.gql, self.page_size = gql, page_size
        self.cursor, self.articles, self.done = None, set(), False

    def step(self):
        page = feed(self.gql, self.cursor, self.page_size)
        for entry in page["entries"]:
            if entry["contentType"] != "news.ArticlePage":
                continue
            if entry["kind"] == "UPSERT":
                self.articles.add(int(entry["id"]))
            else:
                self.articles.discard(int(entry["id"]))
        self.cursor = page["nextCursor"]
        self.done = not page["hasMore"]


def random_edit(rng, home, sections, hidden):
    from news.models import ArticlePage

    articles = list(ArticlePage.objects.filter(path__startswith=home.path))
    op = rng.choice(
        ["create", "create", "republish", "unpublish", "delete", "restrict", "unrestrict",
         "move", "section_off", "section_on", "draft"]
    )  # fmt: skip
    if op == "create" or not articles:
        make_article(rng.choice(sections + [hidden]), "Nouvel article", live=rng.random() < 0.8)
        return
    article = rng.choice(articles)
    if op == "republish":
        article.save_revision().publish()
    elif op == "unpublish" and article.live:
        article.unpublish()
    elif op == "delete":
        article.delete()
    elif op == "restrict":
        PageViewRestriction.objects.create(
            page=rng.choice([article, *sections]), restriction_type="password", password="x"
        )
    elif op == "unrestrict":
        restriction = PageViewRestriction.objects.order_by("?").first()
        if restriction is not None:
            restriction.delete()
    elif op == "move":
        target = rng.choice(sections + [hidden])
        if target.pk != article.get_parent().pk:
            article.move(target, pos="last-child")
    elif op == "section_off":
        section = rng.choice(sections)
        section.refresh_from_db()
        if section.live:
            section.unpublish()
    elif op == "section_on":
        section = rng.choice(sections)
        section.refresh_from_db()
        section.save_revision().publish()
    elif op == "draft":
        article.title = "Brouillon en cours"
        article.save_revision()


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(int(os.environ.get("KIOSQUE_FEED_SEEDS", "6"))))
def test_replaying_the_feed_always_ends_with_the_live_public_articles(gql, seed):
    rng = random.Random(seed)
    home = make_site()
    sections = [make_section(home, "Monde"), make_section(home, "Sports", menu_order=2)]
    hidden = make_section(home, "Coulisses", live=False)
    for n in range(6):
        make_article(rng.choice(sections), f"Article {n}")

    apps = [App(gql, page_size=rng.choice([1, 2, 3]))]
    for _ in range(25):
        for app in apps:
            app.step()
        for _ in range(rng.randint(0, 2)):
            random_edit(rng, home, sections, hidden)
        if rng.random() < 0.2:
            apps.append(App(gql, page_size=rng.choice([1, 2, 5])))

    expected = set(published_articles(root_path=home.path).values_list("pk", flat=True))
    for app in apps:
        app.done = False
        while not app.done:
            app.step()
        assert app.articles == expected, f"seed {seed}"


@pytest.mark.django_db
def test_republishing_a_big_section_costs_the_same_as_a_small_one(tree, count_queries):
    home, monde = tree
    sports = make_section(home, "Sports", menu_order=2)
    make_article(monde, "Seul")
    for n in range(8):
        make_article(sports, f"Match {n}")
    small, _ = count_queries(lambda: monde.save_revision().publish())
    large, _ = count_queries(lambda: sports.save_revision().publish())
    assert large == small
