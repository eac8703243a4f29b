"""The newsroom dashboard (issue 13, item 5): "À relire", "Mes brouillons", "Programmés" and
"Publiés récemment" list the right pages, link to them, and cost the same number of queries
whatever the size of the archive."""

from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from news import roles
from tests.factories import dated, make_article, make_section, make_site


@pytest.fixture
def newsroom(db):
    home = make_site()
    section = make_section(home, "Monde", slug="monde")
    roles.ensure_roles()
    User = get_user_model()  # noqa: N806
    writer = User.objects.create_user("plume", "", "motdepasse-de-test")
    writer.groups.add(Group.objects.get(name=roles.WRITERS))
    desk = User.objects.create_user("relecteur", "", "motdepasse-de-test")
    desk.groups.add(Group.objects.get(name=roles.DESK))

    submitted = make_article(section, "Papier soumis", slug="papier-soumis", live=False)
    submitted.owner = writer
    submitted.save()
    revision = submitted.save_revision(user=writer)
    section.get_workflow().start(submitted, writer)
    assert revision

    draft = make_article(section, "Brouillon de plume", slug="brouillon-plume", live=False)
    draft.owner = writer
    draft.save()
    draft.save_revision(user=writer)

    later = make_article(section, "Papier programmé", slug="papier-programme", live=False)
    later.go_live_at = timezone.now() + timedelta(days=1)
    later.save_revision(user=desk).publish(user=desk)

    published = make_article(section, "Déjà en ligne", slug="deja-en-ligne",
                             published_at=dated(3))  # fmt: skip
    return {"section": section, "writer": writer, "desk": desk, "submitted": submitted,
            "draft": draft, "later": later, "published": published}  # fmt: skip


def _panel(html: str, panel_id: str) -> str:
    start = html.index(f'id="{panel_id}')
    return unescape(html[start : html.index("</section>", start)])


def test_the_desk_sees_what_awaits_review_scheduled_and_published(client, newsroom):
    client.force_login(newsroom["desk"])
    html = client.get("/admin/").content.decode()
    for heading in ("À relire", "Mes brouillons", "Programmés", "Publiés récemment"):
        assert heading in html
    review = _panel(html, "a-relire")
    assert "Papier soumis" in review
    assert f"/admin/pages/{newsroom['submitted'].pk}/edit/" in review
    scheduled = _panel(html, "programmes")
    assert "Papier programmé" in scheduled
    assert "<time datetime=" in scheduled
    assert "Déjà en ligne" in _panel(html, "publies-recemment")


def test_a_writer_sees_own_drafts_and_nothing_to_review(client, newsroom):
    client.force_login(newsroom["writer"])
    html = client.get("/admin/").content.decode()
    drafts = _panel(html, "mes-brouillons")
    assert "Brouillon de plume" in drafts and "Papier soumis" in drafts
    assert "Rien n'attend votre relecture." in _panel(html, "a-relire")


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/").status_code == 200
    return len(queries)


def test_dashboard_queries_do_not_grow_with_the_archive(client, newsroom):
    client.force_login(newsroom["desk"])
    _dashboard_queries(client)  # warm per-process caches (content types, site)
    small = _dashboard_queries(client)
    section, writer, desk = newsroom["section"], newsroom["writer"], newsroom["desk"]
    for n in range(15):
        make_article(section, f"Archive {n}", slug=f"archive-{n}", published_at=dated(10 + n))
        page = make_article(section, f"Soumis {n}", slug=f"soumis-{n}", live=False)
        page.owner = writer
        page.save()
        page.save_revision(user=writer)
        section.get_workflow().start(page, writer)
        later = make_article(section, f"Prévu {n}", slug=f"prevu-{n}", live=False)
        later.go_live_at = timezone.now() + timedelta(hours=n + 1)
        later.save_revision(user=desk).publish(user=desk)
    large = _dashboard_queries(client)
    assert large == small, (small, large)
