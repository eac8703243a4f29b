"""A mobile sync that cannot drift: a first sync reads the pages themselves, whatever wrote them;
check_feed repairs the log; cursors carry the feed's generation; UPSERT entries carry the article
as `articles` shows it, at a fixed SQL cost per page; `section:` narrows the feed."""

import base64
import io
import json
import os
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from wagtail.models import PageViewRestriction

from delivery.models import ChangeLog, FeedState
from news.models import ArticlePage, Author, SectionPage, Topic
from tests.factories import make_article, make_image, make_section, make_site
from tests.processes import run_python
from tests.test_backup_restore import scratch_database  # noqa: F401 (fixture)

SYNC = """query Sync($since: String, $first: Int, $section: String) {
  changes(since: $since, first: $first, section: $section) {
    entries { id contentType kind node { id ... on ArticlePage { title } } }
    nextCursor hasMore
  }
}"""

LISTING = """query Listing($after: String, $section: String) {
  articles(first: 100, after: $after, section: $section) {
    edges { node { id } } pageInfo { hasNextPage endCursor }
  }
}"""


def sync(gql, since=None, first=7, section=None):
    """Follow the feed to its end as an app does. Returns (articles, sections, cursor, pages)."""
    articles, sections, pages = set(), set(), 0
    while True:
        page = gql.data(SYNC, {"since": since, "first": first, "section": section})["changes"]
        pages += 1
        for entry in page["entries"]:
            held = articles if entry["contentType"] == "news.ArticlePage" else sections
            if entry["kind"] == "UPSERT":
                assert entry["node"]["id"] == entry["id"]
                held.add(int(entry["id"]))
            else:
                assert entry["node"] is None
                held.discard(int(entry["id"]))
        since = page["nextCursor"]
        if not page["hasMore"]:
            return articles, sections, since, pages


def listed(gql, section=None):
    found, after = set(), None
    while True:
        page = gql.data(LISTING, {"after": after, "section": section})["articles"]
        found |= {int(edge["node"]["id"]) for edge in page["edges"]}
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def bulk_insert_articles(section, count):
    """Live articles written the way a script or an importer's fast path does: rows added
    without publishing, so no Wagtail signal reaches the feed."""
    made = []
    for n in range(count):
        article = ArticlePage(
            title=f"Import brut {n}", slug=f"import-brut-{section.pk}-{n}", live=True,
            standfirst="Un chapô.", has_unpublished_changes=False,
        )  # fmt: skip
        section.add_child(instance=article)
        made.append(article.pk)
    return made


@pytest.mark.django_db
def test_a_fresh_sync_equals_the_listing_whatever_wrote_the_content(gql):
    call_command("load_demo_content", stdout=io.StringIO())
    call_command("create_random_data", articles=6, images=1, seed=18, stdout=io.StringIO())
    home = SectionPage.objects.first().get_parent().specific
    services = make_section(home, "Services", slug="services", menu_order=9)
    make_article(services, "Publié par le service")
    make_article(services, "Brouillon", live=False)
    bulk = bulk_insert_articles(services, 3)

    articles, sections, _cursor, _pages = sync(gql)

    # The walk reads pages, not the log: bulk rows are there before any repair.
    assert set(bulk) <= articles
    assert articles == listed(gql)
    assert len(articles) > 20
    gql_sections = gql.data("{ sections { id } }")["sections"]
    assert sections == {int(s["id"]) for s in gql_sections}

    out = io.StringIO()
    call_command("check_feed", stdout=out)
    assert "Repaired: 3 UPSERT and 0 DELETE" in out.getvalue()
    assert set(ChangeLog.objects.filter(object_id__in=bulk).values_list("kind", flat=True)) == {
        "UPSERT"
    }
    assert sync(gql)[0] == listed(gql)


@pytest.mark.django_db
def test_create_random_data_leaves_a_consistent_feed(gql):
    make_site()
    call_command("create_random_data", articles=5, images=1, seed=2, stdout=io.StringIO())
    out = io.StringIO()
    call_command("check_feed", "--dry-run", stdout=out)
    assert out.getvalue().strip() == "The change feed matches the content."
    logged = set(
        ChangeLog.objects.filter(content_type="news.ArticlePage", kind="UPSERT").values_list(
            "object_id", flat=True
        )
    )
    assert logged == listed(gql)


@pytest.mark.django_db
def test_check_feed_announces_bulk_unpublishing_to_clients_holding_the_articles(gql):
    home = make_site()
    monde = make_section(home, "Monde")
    kept = make_article(monde, "Reste")
    hidden = [make_article(monde, f"Retiré {n}") for n in range(2)]
    held, _sections, cursor, _pages = sync(gql)
    assert held == {kept.pk, *(a.pk for a in hidden)}
    # A queryset update sends no signal: the log still says UPSERT.
    ArticlePage.objects.filter(pk__in=[a.pk for a in hidden]).update(live=False)

    out = io.StringIO()
    call_command("check_feed", "--dry-run", stdout=out)
    assert "Would write 0 UPSERT and 2 DELETE" in out.getvalue()
    assert ChangeLog.objects.filter(kind="DELETE").count() == 0

    call_command("check_feed", stdout=out)
    page = gql.data(SYNC, {"since": cursor, "first": 100})["changes"]
    assert {(int(e["id"]), e["kind"]) for e in page["entries"]} == {
        (a.pk, "DELETE") for a in hidden
    }
    out = io.StringIO()
    call_command("check_feed", stdout=out)
    assert out.getvalue().strip() == "The change feed matches the content."


@pytest.mark.django_db
def test_a_repair_reaches_apps_reading_the_feed_through_the_response_cache(client, gql, settings):
    settings.KIOSQUE_CACHE = {
        **settings.KIOSQUE_CACHE,
        "ENABLED": True,
        "GENERATION_STORE": "cache",
    }
    home = make_site()
    monde = make_section(home, "Monde")
    hidden = make_article(monde, "Retiré en douce")
    _held, _sections, cursor, _pages = sync(gql)
    params = {"query": SYNC, "variables": json.dumps({"since": cursor, "first": 100})}

    def feed_over_get():
        response = client.get("/graphql/", params)
        assert response.status_code == 200, response.content
        return response.json()["data"]["changes"]["entries"]

    assert feed_over_get() == []
    # Written without signals, so nothing refreshes the cached answer of that URL ...
    ArticlePage.objects.filter(pk=hidden.pk).update(live=False)
    assert feed_over_get() == []
    # ... until the repair announces the change: it must not stay hidden behind the cache.
    call_command("check_feed", stdout=io.StringIO())
    assert [(int(e["id"]), e["kind"]) for e in feed_over_get()] == [(hidden.pk, "DELETE")]


@pytest.mark.django_db
def test_a_fresh_sync_holds_no_delete_for_pages_it_never_gave(gql):
    home = make_site()
    monde = make_section(home, "Monde")
    shown = make_article(monde, "Visible")
    make_article(monde, "Dépublié").unpublish()
    make_article(monde, "Supprimé").delete()
    private = make_article(monde, "Privé")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    page = gql.data(SYNC, {"first": 100})["changes"]
    assert {(int(e["id"]), e["kind"]) for e in page["entries"]} == {
        (monde.pk, "UPSERT"),
        (shown.pk, "UPSERT"),
    }


@pytest.mark.django_db
def test_pages_never_public_write_no_delete_for_clients_following_the_log(gql):
    home = make_site()
    monde = make_section(home, "Monde")
    _held, _sections, cursor, _pages = sync(gql)
    draft = make_article(monde, "Brouillon", live=False)
    secret = make_article(monde, "Caché", live=False)
    PageViewRestriction.objects.create(page=secret, restriction_type="password", password="x")
    secret.save_revision().publish()  # published, but never public
    draft.delete()
    secret.delete()
    page = gql.data(SYNC, {"since": cursor, "first": 100})["changes"]
    assert page["entries"] == []


@pytest.mark.django_db
def test_changes_made_during_a_first_sync_reach_the_client(gql):
    home = make_site()
    monde = make_section(home, "Monde")
    articles = [make_article(monde, f"Article {n}") for n in range(6)]
    page = gql.data(SYNC, {"first": 3})["changes"]  # the section and two articles
    walked = {int(e["id"]) for e in page["entries"]}
    assert page["hasMore"]
    gone = next(a for a in articles if a.pk in walked)
    gone.unpublish()
    late = make_article(monde, "Arrivé pendant la synchronisation")
    held, _sections, _cursor, _pages = sync(gql, since=page["nextCursor"])
    held |= walked - {monde.pk}
    held -= {gone.pk}
    assert held == listed(gql)
    assert late.pk in held and gone.pk not in held


# --- Generations -------------------------------------------------------------------------------


def _cursor_with_generation(cursor: str, generation: str) -> str:
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    parts = raw.split(":")
    parts[1] = generation
    return base64.urlsafe_b64encode(":".join(parts).encode()).decode().rstrip("=")


@pytest.mark.django_db
def test_a_new_generation_refuses_every_older_cursor(gql):
    home = make_site()
    make_article(make_section(home, "Monde"), "Avant")
    _a, _s, cursor, _pages = sync(gql)
    walking = gql.data(SYNC, {"first": 1})["changes"]["nextCursor"]
    assert "errors" not in gql.query(SYNC, {"since": cursor})

    out = io.StringIO()
    call_command("stamp_feed_generation", stdout=out)
    assert FeedState.get().generation in out.getvalue()
    for old in (cursor, walking):
        payload = gql.query(SYNC, {"since": old})
        assert payload["errors"][0]["extensions"]["code"] == "RESYNC_REQUIRED"
    assert "errors" not in gql.query(SYNC)


@pytest.mark.django_db
def test_a_cursor_from_another_environment_or_an_older_format_is_refused(gql):
    home = make_site()
    make_article(make_section(home, "Monde"), "Article")
    _a, _s, cursor, _pages = sync(gql)
    foreign = _cursor_with_generation(cursor, "0123456789abcdef")
    legacy = base64.urlsafe_b64encode(b"chg:12").decode().rstrip("=")
    for old in (foreign, legacy):
        payload = gql.query(SYNC, {"since": old})
        assert payload["errors"][0]["extensions"]["code"] == "RESYNC_REQUIRED"


# --- Nodes and sections ------------------------------------------------------------------------

FULL = """query Sync($since: String, $first: Int) {
  changes(since: $since, first: $first) {
    entries { id kind node { ...on ArticlePage { ...Card } } }
    nextCursor hasMore
  }
}
fragment Card on ArticlePage {
  id title standfirst url publishedAt
  section { title slug }
  authors { name slug }
  topics { name slug }
  leadImage { url alt srcSet(sizes: [480]) }
  body { blockType }
}"""

FULL_LISTING = """query Listing {
  articles(first: 100) { edges { node { ...Card } } }
}
fragment Card on ArticlePage {
  id title standfirst url publishedAt
  section { title slug }
  authors { name slug }
  topics { name slug }
  leadImage { url alt srcSet(sizes: [480]) }
  body { blockType }
}"""


@pytest.fixture
def rich_newsroom(db):
    home = make_site()
    monde = make_section(home, "Monde")
    sport = make_section(home, "Sport", menu_order=2)
    photo = make_image("Une")
    author = Author.objects.create(name="Léa Martin", slug="lea-martin")
    topic = Topic.objects.create(name="Climat", slug="climat")
    made = [
        make_article(
            monde if n % 2 else sport,
            f"Article {n}",
            lead_image=photo,
            authors=[author],
            topics=[topic],
        )  # fmt: skip
        for n in range(12)
    ]
    return home, monde, sport, made


@pytest.mark.django_db
def test_upsert_nodes_match_the_listing(gql, rich_newsroom):
    entries = gql.data(FULL, {"first": 100})["changes"]["entries"]
    nodes = {e["id"]: e["node"] for e in entries if e["node"] and "title" in e["node"]}
    listing = gql.data(FULL_LISTING)["articles"]["edges"]
    assert nodes == {edge["node"]["id"]: edge["node"] for edge in listing}
    assert len(nodes) == 12


@pytest.mark.django_db
def test_sql_per_feed_page_does_not_grow_with_the_page_size(gql, rich_newsroom, count_queries):
    home, monde, _sport, made = rich_newsroom
    _a, _s, cursor, _pages = sync(gql)
    for article in made:  # the same articles again, now through the log
        article.save_revision().publish()
    gql.data(FULL, {"first": 100})  # renditions are made on first use: not the feed's cost
    counts = {}
    for first in (4, 13):
        for label, since in (("walk", None), ("log", cursor)):
            n, payload = count_queries(
                lambda f=first, s=since: gql.data(FULL, {"first": f, "since": s})
            )
            assert len(payload["changes"]["entries"]) == min(first, 14 if label == "walk" else 12)
            counts[(label, first)] = n
    assert counts[("walk", 4)] == counts[("walk", 13)]
    assert counts[("log", 4)] == counts[("log", 13)]


@pytest.mark.django_db
def test_a_section_filter_follows_that_section_only(gql, rich_newsroom):
    home, monde, sport, made = rich_newsroom
    held, sections, cursor, _pages = sync(gql, section="monde")
    assert sections == {monde.pk}
    assert held == listed(gql, section="monde")
    moved = next(a for a in made if a.get_parent().pk == monde.pk)
    other = next(a for a in made if a.get_parent().pk == sport.pk)
    moved.move(sport, pos="last-child")
    other.save_revision().publish()
    page = gql.data(SYNC, {"since": cursor, "first": 100, "section": "monde"})["changes"]
    # The article that left the section is a DELETE here; the other section's edit is absent.
    assert {(int(e["id"]), e["kind"]) for e in page["entries"]} == {(moved.pk, "DELETE")}


@pytest.mark.django_db
def test_an_unknown_section_is_a_client_error(gql, rich_newsroom):
    payload = gql.query(SYNC, {"section": "nulle-part"})
    assert payload["errors"][0]["extensions"]["code"] == "BAD_ARGUMENT"


# --- Restore -----------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent

ASK = """
import json, os
from django.test import Client
query = "query Sync($since: String) { changes(since: $since) { nextCursor } }"
body = json.dumps({"query": query, "variables": {"since": os.environ["OLD_CURSOR"]}})
answer = Client(HTTP_HOST="localhost").post("/graphql/", body, content_type="application/json")
print(answer.content.decode())
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_cursor_from_before_a_restore_is_refused_by_the_restored_database(
    gql,
    tmp_path,
    settings,
    scratch_database,  # noqa: F811 (the imported fixture)
):
    from tests.test_backup_restore import BACKUP, RESTORE, _run, _url

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    home = make_site()
    make_article(make_section(home, "Monde", slug="monde"), "Sauvegardé")
    _a, _s, cursor, _pages = sync(gql)
    env = {"MEDIA_ROOT": str(settings.MEDIA_ROOT), "PYTHON": sys.executable}
    test_db = _url(connection.settings_dict, connection.settings_dict["NAME"])
    backup = _run(BACKUP, str(tmp_path / "backups"), env={**env, "DATABASE_URL": test_db})
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.split()[0])
    restore = _run(RESTORE, str(dump), env={**env, "DATABASE_URL": scratch_database})
    assert restore.returncode == 0, restore.stderr
    assert "generation is now" in restore.stdout

    answer = run_python(
        "manage.py", "shell", "-c", ASK,
        env={**os.environ, "DATABASE_URL": scratch_database, "OLD_CURSOR": cursor,
             "DJANGO_SETTINGS_MODULE": "cms.settings.dev"},
    )  # fmt: skip
    assert answer.returncode == 0, answer.stderr
    assert '"code": "RESYNC_REQUIRED"' in answer.stdout.replace('":"', '": "')
    # The database the backup came from still accepts it.
    assert "errors" not in gql.query(SYNC, {"since": cursor})


@pytest.mark.django_db
def test_the_worker_repairs_the_feed(gql):
    home = make_site()
    monde = make_section(home, "Monde")
    bulk = bulk_insert_articles(monde, 2)
    assert not ChangeLog.objects.filter(object_id__in=bulk).exists()
    call_command("run_worker", "--once", verbosity=0)
    assert set(ChangeLog.objects.filter(object_id__in=bulk).values_list("kind", flat=True)) == {
        "UPSERT"
    }


@pytest.mark.django_db
def test_a_first_sync_after_pruning_every_row_is_not_refused(gql, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.KIOSQUE_CHANGES_RETENTION_DAYS = 30
    home = make_site()
    monde = make_section(home, "Monde")
    make_article(monde, "Supprimé").delete()
    monde.delete()
    ChangeLog.objects.update(updated_at=timezone.now() - timedelta(days=31))
    call_command("prune_changes", verbosity=0)
    assert not ChangeLog.objects.exists()
    sport = make_section(home, "Sport")
    ChangeLog.objects.all().delete()  # as if the newest rows had been pruned too
    kept = make_article(sport, "Reste")
    ChangeLog.objects.filter(object_id=kept.pk).delete()
    articles, _sections, _cursor, pages = sync(gql, first=1)
    assert articles == {kept.pk} and pages >= 2
