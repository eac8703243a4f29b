"""What the fast write path of `import_wordpress` must still leave behind: new pages in the same
state as the admin's save-then-publish, a consistent page tree, the page history, the project's
bulk signals, and nothing of a post that failed, even with several posts per transaction. Plus
a bound on the SQL each new post costs (the speed itself is measured by bench/import_bench.py)."""

import io
from datetime import UTC, datetime

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageLogEntry

from bench.import_bench import generate
from delivery.models import ChangeLog
from news.models import ArticlePage, SectionPage, Topic
from news.signals import articles_bulk_created, pages_bulk_written
from tests import test_wordpress_import as base
from tests.test_wordpress_import import page_for, run
from wpimport import services
from wpimport.services import Importer

# The fixture export and its fixtures, shared with the import's own tests.
newsroom, media, kinds, imported = base.newsroom, base.media, base.kinds, base.imported


def history(page) -> list[str]:
    entries = PageLogEntry.objects.filter(page=page).order_by("pk")
    return list(entries.values_list("action", flat=True))


def test_new_live_page_is_saved_once_in_its_published_state(imported):
    page = page_for(103)
    revision = page.latest_revision
    assert page.live and not page.has_unpublished_changes and not page.expired
    assert page.live_revision_id == revision.pk
    assert page.first_published_at == datetime(2025, 1, 5, 9, 0, tzinfo=UTC)
    assert page.last_published_at is not None
    assert (
        page.draft_title == page.title and page.latest_revision_created_at == revision.created_at
    )
    assert revision.approved_go_live_at is None
    assert revision.content["pk"] == page.pk and revision.content["title"] == page.title
    assert revision.object_str == page.title
    # The revision holds the page as saved, relations included: publishing it again (as an
    # editor reverting to it would) changes nothing an API reader sees.
    assert [a["author"] for a in revision.content["article_authors"]] == list(
        page.article_authors.values_list("author_id", flat=True)
    )
    assert [t["topic"] for t in revision.content["article_topics"]] == list(
        page.article_topics.values_list("topic_id", flat=True)
    )
    restored = revision.as_object()
    assert list(restored.body.raw_data) == list(page.body.raw_data)
    assert restored.url_path == page.url_path
    assert history(page) == ["wagtail.create", "wpimport.import", "wagtail.publish"]


def test_new_scheduled_and_draft_pages_wait_like_the_admin_leaves_them(imported, clock):
    scheduled = page_for(105)
    assert not scheduled.live and scheduled.has_unpublished_changes
    assert scheduled.live_revision_id is None and scheduled.first_published_at is None
    assert scheduled.latest_revision.approved_go_live_at == scheduled.go_live_at
    assert history(scheduled) == ["wagtail.create", "wpimport.import", "wagtail.publish.schedule"]
    draft = page_for(106)
    assert not draft.live and draft.has_unpublished_changes and draft.live_revision_id is None
    assert history(draft) == ["wagtail.create", "wpimport.import"]

    clock.now = datetime(2030, 4, 1, 6, 1, tzinfo=UTC)
    call_command("publish_scheduled", stdout=io.StringIO())
    scheduled.refresh_from_db()
    assert scheduled.live and scheduled.live_revision_id == scheduled.latest_revision_id
    assert ChangeLog.objects.filter(object_id=scheduled.pk, kind="UPSERT").exists()


def test_page_tree_stays_consistent_with_paths_appended_from_memory(newsroom, media, tmp_path):
    _home, economie, _ = newsroom
    existing = economie.add_child(instance=ArticlePage(title="Déjà là", slug="deja-la",
                                                       standfirst="Avant l'import."))  # fmt: skip
    run(media=str(media), report_dir=tmp_path)
    assert Page.find_problems() == ([], [], [], [], [])
    economie.refresh_from_db()
    children = list(economie.get_children())
    assert economie.numchild == len(children) == 5
    assert children[0].pk == existing.pk  # appended after what was there
    for child in children:
        assert child.url_path == f"{economie.url_path}{child.slug}/"


def test_failing_post_takes_back_everything_it_created_and_the_next_ones_do_not_miss_it(
    newsroom, media, kinds, tmp_path, monkeypatch
):
    # 102 comes first: it would create the rubrique Société, the topics CGT and Port autonome,
    # its author and its image. 103, in the same transaction, also uses CGT.
    original = Importer._redirects

    def failing(self, post, page):
        if post.wp_id == 102:
            raise ValueError("panne simulée")
        return original(self, post, page)

    monkeypatch.setattr(Importer, "_redirects", failing)
    report, _ = run(media=str(media), topic_kinds=str(kinds), report_dir=tmp_path)
    assert report["counts"]["created"] == 4
    assert not SectionPage.objects.filter(slug="societe").exists()
    assert report["new_sections"] == [] and "sections" not in report["created"]
    assert not Topic.objects.filter(slug="port-autonome").exists()
    cgt = Topic.objects.get(slug="cgt")  # created again by 103, not a stale cached row
    assert cgt in page_for(103).topics.all()
    assert report["created"]["topics"] == 1 and Topic.objects.count() == 2
    assert Page.find_problems() == ([], [], [], [], [])


def test_import_announces_its_pages_through_the_bulk_signals(newsroom, media, kinds, tmp_path):
    created, finished = [], []

    def on_created(sender, ids, **kwargs):
        created.extend(ids)

    def on_finished(sender, **kwargs):
        finished.append(sender)

    articles_bulk_created.connect(on_created)
    pages_bulk_written.connect(on_finished)
    try:
        run(media=str(media), topic_kinds=str(kinds), report_dir=tmp_path)
        assert sorted(created) == sorted(page_for(wp_id).pk for wp_id in (102, 103, 104))
        assert finished == [Importer]
        created.clear()
        finished.clear()
        run(media=str(media), topic_kinds=str(kinds), report_dir=tmp_path)  # unchanged
        assert created == [] and finished == []
    finally:
        articles_bulk_created.disconnect(on_created)
        pages_bulk_written.disconnect(on_finished)


def test_images_of_new_pages_are_sent_for_renditions(newsroom, media, tmp_path, monkeypatch):
    # Pages created without Revision.publish() miss page_published, which asks for renditions.
    scheduled = []
    monkeypatch.setattr(services.renditions, "schedule", lambda ids: scheduled.extend(ids))
    run(media=str(media), report_dir=tmp_path)
    lead = page_for(102).lead_image_id
    assert lead is not None and lead in scheduled


def import_generated(tmp_path, posts: int) -> int:
    """SQL statements for importing a generated export of `posts` posts."""
    work = tmp_path / f"gen{posts}"
    generate(work / "export.xml", work / "uploads", posts)
    with CaptureQueriesContext(connection) as queries:
        call_command("import_wordpress", str(work / "export.xml"), media=str(work / "uploads"),
                     stdout=io.StringIO())  # fmt: skip
    return len(queries)


def test_each_new_post_costs_a_bounded_number_of_queries(newsroom, tmp_path):
    # Two imports of the bench's export (the second adds 20 posts to the first 10, which it
    # finds unchanged): the difference is what 20 new posts cost, flush work included. Wagtail's
    # add_child + save_revision + publish took over 100 statements per post.
    import_generated(tmp_path, 10)
    per_post = import_generated(tmp_path, 30) / 20
    assert per_post <= 60, per_post
