"""A newsroom's day in a real browser, once with a French and once with an American browser
(issue 13, item 8): a rédacteur writes an article, creates two topics from the picker and submits
it for review, and cannot publish (no button, and a forged publish is refused); the secrétariat
finds it under "À relire", edits it, puts the second topic first and schedules it; at go-live
the API lists it, with its topics in that order.

The admin is French for both browsers (neither user chose a language). Screenshots of each step
go to var/newsroom-day/<locale>/. Scheduled publishing is run by the test itself
(`publish_scheduled`), after moving the approved go-live time to the past: the form schedules
to the minute, and the test does not wait for the clock.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.test_editor_flow_browser import CHROMIUM, CHROMIUM_ARGS, Editor, _require_chromium
from tests.test_editor_flow_browser import graphql as api

# A process layout (browser, live server, admin): CI runs it on the PostgreSQL + Redis leg only.
pytestmark = [pytest.mark.browser, pytest.mark.postgres_leg]

ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "newsroom-day"
PASSWORD = "un-mot-de-passe-de-redaction"
TITLE = "Le canal de l'Ourcq rouvre à la baignade"
STANDFIRST = "Trois bassins surveillés ouvrent tout l'été."
EDITED_STANDFIRST = "Trois bassins surveillés ouvrent cet été, du mardi au dimanche."
NEW_TOPICS = ("Anne Hidalgo (Personne)", "Bassin de la Villette (Lieu)")
LISTING = 'query { articles(section: "paris", first: 10) { edges { node { title standfirst topics { name kind } } } } }'  # noqa: E501


class Desk(Editor):
    """Editor steps with screenshots under this test's own folder."""

    def __init__(self, page, base_url: str, folder: Path):
        super().__init__(page, base_url)
        self.folder = folder

    def shot(self, name: str):
        self.step += 1
        path = str(self.folder / f"{self.step:02d}-{name}.png")
        try:
            self.page.screenshot(path=path)
        except PlaywrightError:
            # Chromium sometimes refuses a capture mid-repaint; the picture is for people, so
            # one more try after a frame, not a failed newsroom day.
            self.page.wait_for_timeout(500)
            self.page.screenshot(path=path)


@pytest.fixture
def newsroom(transactional_db):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from news import roles
    from tests.factories import make_section, make_site

    home = make_site()
    section = make_section(home, "Paris", slug="paris")
    roles.ensure_roles()
    User = get_user_model()  # noqa: N806
    writer = User.objects.create_user("lea", "", PASSWORD, first_name="Léa")
    writer.groups.add(Group.objects.get(name=roles.WRITERS))
    desk = User.objects.create_user("marc", "", PASSWORD, first_name="Marc")
    desk.groups.add(Group.objects.get(name=roles.DESK))
    return {"section": section, "writer": writer, "desk": desk}


def _titles(base_url: str) -> dict[str, dict]:
    edges = api(base_url, LISTING)["articles"]["edges"]
    return {edge["node"]["title"]: edge["node"] for edge in edges}


@pytest.mark.parametrize("browser_locale", ["fr-FR", "en-US"])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_newsroom_day(newsroom, live_server, browser_locale, monkeypatch):
    _require_chromium()
    # Playwright's sync API runs an event loop in this thread; the test's own ORM reads between
    # steps are plain synchronous code all the same.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    from news.models import ArticlePage

    base_url = live_server.url
    folder = ARTIFACTS / browser_locale
    folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            # --- The rédacteur writes and submits -------------------------------------------
            context = browser.new_context(
                locale=browser_locale, viewport={"width": 1400, "height": 1000}
            )
            page = context.new_page()
            page.set_default_timeout(15_000)
            writer = Desk(page, base_url, folder)
            writer.log_in("lea", PASSWORD)
            assert page.locator("html").get_attribute("lang") == "fr"
            assert page.get_by_text("Mes brouillons").count() == 1

            page.goto(f"{base_url}/admin/pages/add/news/articlepage/{newsroom['section'].pk}/")
            page.locator("#id_title").fill(TITLE)
            page.locator("#id_standfirst").fill(STANDFIRST)
            try:
                for label in NEW_TOPICS:
                    writer.pick_topic(label, label=label, create=True)
            except BaseException:
                writer.shot("echec-sujets")
                raise
            writer.shot("redacteur-article")
            writer.save_draft()

            footer = page.locator("nav.footer__container")
            assert footer.locator("button[name='action-publish']").count() == 0
            assert footer.get_by_text("Soumettre à Relecture").count() == 1
            article = ArticlePage.objects.get(title=TITLE)

            # A forged publish: the form posted with the publish action added by hand.
            writer.settle()
            with page.expect_navigation():
                page.evaluate(
                    """() => {
                        const form = document.querySelector('#page-edit-form');
                        const forged = document.createElement('input');
                        forged.type = 'hidden'; forged.name = 'action-publish'; forged.value = '1';
                        form.appendChild(forged);
                        form.requestSubmit();
                    }"""
                )
            page.locator(".messages").wait_for()
            writer.shot("redacteur-publication-forcee")
            article.refresh_from_db()
            assert not article.live, "a rédacteur's forged publish went through"
            assert TITLE not in _titles(base_url)

            writer.footer_action("button[name='action-submit']")
            # Under load the admin may report the autosaved version as "saved in another
            # window" and ask again before submitting: confirm, as the editor would.
            from wagtail.models import WorkflowState

            for _ in range(60):
                if WorkflowState.objects.filter(
                    object_id=str(article.pk), status="in_progress"
                ).exists():
                    break
                confirm = page.get_by_role("dialog").get_by_role(
                    "button", name="Soumettre à Relecture"
                )
                if confirm.count() and confirm.first.is_visible():
                    confirm.first.click()
                page.wait_for_timeout(500)
            else:
                raise AssertionError("the article was never submitted for review")
            writer.shot("redacteur-soumis")
            context.close()

            # Both topics were created from the picker and are on the submitted draft.
            article.refresh_from_db()
            draft = article.get_latest_revision_as_object()
            assert [(t.topic.name, t.topic.kind) for t in draft.article_topics.all()] == [
                ("Anne Hidalgo", "person"),
                ("Bassin de la Villette", "place"),
            ]

            # --- The secrétariat reviews, edits and schedules --------------------------------
            context = browser.new_context(
                locale=browser_locale, viewport={"width": 1400, "height": 1000}
            )
            page = context.new_page()
            page.set_default_timeout(15_000)
            desk = Desk(page, base_url, folder)
            desk.step = writer.step
            desk.log_in("marc", PASSWORD)
            to_review = page.locator("#a-relire-section")
            to_review.get_by_role("link", name=TITLE).wait_for()
            desk.shot("secretariat-a-relire")
            to_review.get_by_role("link", name=TITLE).click()
            page.wait_for_url(f"**/admin/pages/{article.pk}/edit/")
            page.locator("#id_standfirst").fill(EDITED_STANDFIRST)
            # The place comes first: the API lists topics in the order set here.
            picker = page.locator("[data-autocomplete-input-name='topics']")
            picker.get_by_role("button", name=f"Monter : {NEW_TOPICS[1]}").click()
            expect(picker.locator(".c-wagtailautocomplete__selection__label")).to_have_text(
                [NEW_TOPICS[1], NEW_TOPICS[0]]
            )
            go_live = timezone.localtime(timezone.now() + timedelta(days=1))
            page.evaluate(
                "value => { document.querySelector('#id_go_live_at').value = value; }",
                go_live.strftime("%Y-%m-%d %H:%M"),
            )
            desk.shot("secretariat-modifie")
            desk.footer_action(
                "button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])"
            )
            page.locator(".messages .success").wait_for()
            desk.shot("secretariat-programme")

            article.refresh_from_db()
            assert not article.live
            assert TITLE not in _titles(base_url)
            page.goto(f"{base_url}/admin/")
            page.locator("#programmes-section").get_by_role("link", name=TITLE).wait_for()
            desk.shot("secretariat-tableau-programmes")
            context.close()
        finally:
            browser.close()

    # --- Go-live: the clock reaches the scheduled time, the scheduler runs ----------------------
    from wagtail.models import Revision

    scheduled = Revision.objects.filter(
        object_id=str(article.pk), approved_go_live_at__isnull=False
    )
    assert scheduled.count() == 1
    past = timezone.now() - timedelta(seconds=1)
    # The approved revision carries its go-live time too: publishing it applies that time.
    for revision in scheduled:
        revision.content["go_live_at"] = past.isoformat()
        revision.approved_go_live_at = past
        revision.save(update_fields=["content", "approved_go_live_at"])
    ArticlePage.objects.filter(pk=article.pk).update(go_live_at=past)
    call_command("publish_scheduled", verbosity=0)

    listed = _titles(base_url)
    assert TITLE in listed
    assert listed[TITLE]["standfirst"] == EDITED_STANDFIRST
    assert [(topic["name"], topic["kind"]) for topic in listed[TITLE]["topics"]] == [
        ("Bassin de la Villette", "place"),
        ("Anne Hidalgo", "person"),
    ]
