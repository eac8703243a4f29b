"""An editor's whole flow in a real browser: log in to the French admin, write an article in a
rubrique (standfirst, paragraphs, heading, pull quote, image with credit, topic, "Lire aussi"
link), preview it, save a draft, publish it, and read it back whole from the GraphQL API.

Drives Debian's Chromium through Playwright; never downloads a browser. Screenshots of every step
go to test-artifacts/editor-flow/. A missing Chromium fails the run (never a silent skip) and
says how to install it: `make browser`.
"""

import io
import json
import os
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("KIOSQUE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "editor-flow"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "un-mot-de-passe-de-redaction"
TITLE = "Sécheresse : les péniches du Rhin chargées à moitié"
STANDFIRST = "Le fleuve est si bas que les bateliers allègent leurs cargaisons."
PARAGRAPH_1 = "À Strasbourg, le niveau du Rhin a encore baissé cette semaine."
PARAGRAPH_2 = "Les transporteurs reportent une partie du fret sur le rail."
HEADING = "Un trafic ralenti"
QUOTE = "On navigue au centimètre près, chaque jour."
QUOTE_BY = "Marie Keller"
QUOTE_ROLE = "batelière"
LEAD_CREDIT = "Kiosque / Paul Martin"
LEAD_CAPTION = "Une péniche amarrée au port autonome."
BODY_CREDIT = "Kiosque / Léa Roux"
BODY_CAPTION = "Le quai aux pétroles, à sec."


def _require_chromium():
    # Fails rather than skips: `make test` is the whole suite, so a missing browser must show.
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return
    pytest.fail(
        f"Chromium not found at {CHROMIUM}: install it with `make browser` (runs "
        ".ci/setup-browser, apt-get), set KIOSQUE_CHROMIUM to another binary, or leave the "
        "browser tests out explicitly with `-m 'not browser'`",
        pytrace=False,
    )


@pytest.fixture
def newsroom(transactional_db):
    """A site with a rubrique, a topic, an earlier article to link to, and an editor who may
    write and publish under the home page and upload images, with the admin in French."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission
    from wagtail.users.models import UserProfile

    from tests.factories import TopicFactory, make_article, make_section, make_site

    home = make_site()
    section = make_section(home, "Économie", slug="economie")
    TopicFactory(name="Climat", slug="climat")
    earlier = make_article(
        section, "Le Rhin au plus bas depuis vingt ans", slug="rhin-au-plus-bas"
    )

    group = Group.objects.create(name="Rédaction (test)")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group, page=home, permission=Permission.objects.get(codename=codename)
        )
    for codename in ("add_image", "choose_image"):
        GroupCollectionPermission.objects.create(
            group=group,
            collection=Collection.get_first_root_node(),
            permission=Permission.objects.get(
                content_type__app_label="wagtailimages", codename=codename
            ),
        )
    from django.contrib.auth import get_user_model

    editor = get_user_model().objects.create_user(
        "claire", "claire@example.org", PASSWORD, first_name="Claire"
    )
    editor.groups.add(group)
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "fr"
    profile.save()
    return {"home": home, "section": section, "earlier": earlier, "editor": editor}


@pytest.fixture
def browser_page():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        except BaseException:
            page.screenshot(path=str(ARTIFACTS / "failure.png"))
            raise
        finally:
            context.close()
            browser.close()


FRONTEND = "http://frontend.kiosque.test/preview"
PREVIEW_QUERY = """
query ($token: String!) {
  preview(token: $token) {
    title
    ... on ArticlePage {
      standfirst
      body { blockType ... on PullQuoteBlock { text } }
      relatedLinks { title }
    }
  }
}
"""


def fake_frontend(base_url: str):
    """A Playwright route handler standing in for the newsroom's frontend: it reads the preview
    token from the URL, asks the API for the draft, and renders the bare minimum."""
    from html import escape
    from urllib.parse import parse_qs, urlsplit

    def handle(route):
        token = parse_qs(urlsplit(route.request.url).query).get("token", [""])[0]
        draft = graphql(base_url, PREVIEW_QUERY, {"token": token})["preview"]
        quotes = "".join(
            f"<blockquote>{escape(b['text'])}</blockquote>"
            for b in draft["body"]
            if b["blockType"] == "PullQuoteBlock"
        )
        links = "".join(f"<li>{escape(link['title'])}</li>" for link in draft["relatedLinks"])
        html = (
            f"<!doctype html><html lang='fr'><meta charset='utf-8'>"
            f"<h1>{escape(draft['title'])}</h1><p class='standfirst'>"
            f"{escape(draft['standfirst'])}</p>{quotes}<aside><ul>{links}</ul></aside></html>"
        )
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    return handle


def _jpeg_bytes() -> bytes:
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (1200, 800), (30, 110, 160)).save(buffer, format="JPEG")
    return buffer.getvalue()


class Editor:
    """The steps an editor takes, with a screenshot after each."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.step = 0

    def shot(self, name: str):
        self.step += 1
        self.page.screenshot(path=str(ARTIFACTS / f"{self.step:02d}-{name}.png"))

    def log_in(self, username: str, password: str):
        page = self.page
        page.goto(f"{self.base_url}/admin/login/")
        page.get_by_label("Nom d’utilisateur").fill(username)
        page.locator("#id_password").fill(password)
        self.shot("login")
        page.get_by_role("button", name="S'identifier").click()
        page.wait_for_url(f"{self.base_url}/admin/")
        self.shot("dashboard")

    def pick_topic(self, typed: str, *, label: str, create: bool = False):
        """Type in the topic picker and choose a suggestion, or create the topic typed."""
        picker = self.page.locator("[data-autocomplete-input-name='topics']")
        box = picker.locator("input:not([type='hidden'])").first
        # The admin autosaves a new page and then redraws its form: let that finish first.
        self.settle()
        if create:
            box.click()
            box.fill("")
            box.press_sequentially(typed, delay=10)
        else:
            box.fill(typed)
        option = (
            picker.get_by_role("option", name=f"Créer « {typed} »")
            if create
            else picker.get_by_role("option", name=label, exact=True)
        )
        option.wait_for()
        # The wanted suggestion is the active one: Enter takes it, as a keyboard user would.
        assert option.get_attribute("aria-selected") == "true"
        box.press("Enter")
        picker.get_by_text(label, exact=True).first.wait_for()

    def add_block(self, label: str) -> int:
        """Append a body block by its French label; returns its index in the stream."""
        page = self.page
        index = int(page.locator("input[name='body-count']").input_value())
        page.locator("#body-root button[title='Insérer un bloc']").last.click()
        page.get_by_role("option", name=label, exact=True).click()
        page.locator(f"input[name='body-{index}-type']").wait_for(state="attached")
        return index

    def rich_text(self, index: int, text: str):
        editor = self.page.locator(
            f"[data-contentpath='text']:has(#body-{index}-value-text) [role='textbox']"
        )
        editor.click()
        editor.press_sequentially(text)

    def choose_image(self, chooser_id: str, *, upload: dict | None = None, title: str = ""):
        """Open an image chooser; upload a new image through it, or pick one by title."""
        page = self.page
        page.locator(f"#{chooser_id}").get_by_role("button", name="Choisir une image").click()
        modal = page.locator(".modal-dialog")
        if upload:
            modal.get_by_role("tab", name="Transférer").click()
            modal.locator("#id_image-chooser-upload-file").set_input_files(upload)
            modal.locator("#id_image-chooser-upload-title").fill(title)
            self.shot("image-upload")
            modal.get_by_role("button", name="Transférer").click()
        else:
            modal.locator(f"a.image-choice[title='{title}']").click()
        page.locator(f"#{chooser_id}:not(.blank)").wait_for()

    def write_article(self, section_id: int, *, earlier_title: str):
        page = self.page
        page.goto(f"{self.base_url}/admin/pages/{section_id}/")
        page.get_by_role("link", name="Ajouter une sous-page").first.click()
        # A rubrique only accepts articles, so Wagtail opens the article form directly.
        page.wait_for_url("**/admin/pages/add/news/articlepage/**")
        page.locator("#id_title").fill(TITLE)
        page.locator("#id_standfirst").fill(STANDFIRST)

        self.choose_image(
            "id_lead_image-chooser",
            upload={"name": "peniche.jpg", "mimeType": "image/jpeg", "buffer": _jpeg_bytes()},
            title="Péniche au port",
        )
        page.locator("#id_lead_image_caption").fill(LEAD_CAPTION)
        page.locator("#id_lead_image_credit").fill(LEAD_CREDIT)
        page.locator("#id_lead_image_alt").fill("Une péniche vide le long d'un quai.")
        self.pick_topic("clim", label="Climat (Thème)")
        self.shot("article-header")

        first = self.add_block("Paragraphe")
        self.rich_text(first, PARAGRAPH_1)
        heading = self.add_block("Intertitre")
        page.locator(f"#body-{heading}-value-text").fill(HEADING)
        second = self.add_block("Paragraphe")
        self.rich_text(second, PARAGRAPH_2)
        quote = self.add_block("Citation")
        page.locator(f"#body-{quote}-value-text").fill(QUOTE)
        page.locator(f"#body-{quote}-value-attribution").fill(QUOTE_BY)
        page.locator(f"#body-{quote}-value-attribution_role").fill(QUOTE_ROLE)
        image = self.add_block("Image")
        self.choose_image(f"body-{image}-value-image-chooser", title="Péniche au port")
        page.locator(f"#body-{image}-value-caption").fill(BODY_CAPTION)
        page.locator(f"#body-{image}-value-credit").fill(BODY_CREDIT)
        self.shot("article-body")

        page.locator("#id_related_links-ADD").click()
        page.locator("#id_related_links-0-target_page-chooser .unchosen button").click()
        modal = page.locator(".modal-dialog")
        modal.locator("#id_q").fill("vingt ans")
        modal.locator(f"a.choose-page[data-title='{earlier_title}']").click()
        page.locator("#id_related_links-0-target_page-chooser:not(.blank)").wait_for()
        self.shot("lire-aussi")

    def preview(self):
        """Open the preview panel. Previews are headless: Wagtail frames the frontend's preview
        URL with a signed token, and the frontend asks the API for the draft behind it. The
        frontend here is a stand-in served by the browser itself (see `fake_frontend`)."""
        page = self.page
        toggle = page.locator("[data-side-panel-toggle='preview']")
        toggle.click()
        frontend = page.frame_locator("iframe#w-preview-iframe").frame_locator("iframe")
        frontend.locator("h1", has_text=TITLE).wait_for()
        assert frontend.locator("p.standfirst").inner_text() == STANDFIRST
        assert frontend.locator("blockquote", has_text=QUOTE).count() == 1
        assert frontend.locator("aside li", has_text="Le Rhin au plus bas").count() == 1
        self.shot("preview")
        toggle.click()

    def settle(self):
        """Let the admin's autosave (every 500 ms after a change) finish before saving by hand,
        as an editor who glances at the "Enregistré" indicator would: a manual save racing an
        autosave of new inline rows can store those rows twice."""
        page = self.page
        indicator = page.locator("#w-autosave-indicator")
        if not indicator.count():
            return
        page.wait_for_timeout(1500)
        page.locator("#w-autosave-indicator:not([data-w-autosave-state-value='saving'])").wait_for(
            state="attached"
        )

    def footer_action(self, locator: str):
        page = self.page
        self.settle()
        footer = page.locator("nav.footer__container")
        if not footer.locator(locator).is_visible():
            footer.locator(".w-dropdown__toggle").click()
        footer.locator(locator).click()

    def save_draft(self):
        page = self.page
        self.footer_action("button.action-save")
        page.wait_for_url("**/admin/pages/*/edit/")
        page.locator(".messages .success").wait_for()
        self.shot("draft-saved")

    def publish(self):
        page = self.page
        self.footer_action("button[name='action-publish']")
        page.locator(".messages .success", has_text="publiée").wait_for()
        self.shot("published")


ARTICLE_QUERY = """
query ($id: ID!) {
  article(id: $id) {
    title standfirst
    section { slug }
    leadImage { url credit caption }
    topics { slug }
    body {
      blockType
      ... on ParagraphBlock { html }
      ... on HeadingBlock { text level }
      ... on PullQuoteBlock { text attribution attributionRole }
      ... on BodyImageBlock { image { url credit caption } }
    }
    relatedLinks { title isExternal page { slug } }
  }
}
"""

LISTING_QUERY = """
query { articles(section: "economie", first: 10) { edges { node { id title } } } }
"""


def graphql(base_url: str, query: str, variables: dict | None = None) -> dict:
    """An anonymous API client, as a frontend would be: no admin session cookie."""
    request = urllib.request.Request(  # noqa: S310 (the live server's http URL)
        f"{base_url}/graphql/",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        payload = json.loads(response.read())
    assert "errors" not in payload, payload["errors"]
    return payload["data"]


def listed_titles(base_url: str) -> dict[str, str]:
    edges = graphql(base_url, LISTING_QUERY)["articles"]["edges"]
    return {edge["node"]["title"]: edge["node"]["id"] for edge in edges}


@pytest.mark.parametrize("ci", ["true", "false", None])
def test_a_missing_chromium_fails_everywhere_and_says_how_to_install_it(monkeypatch, tmp_path, ci):
    monkeypatch.setitem(globals(), "CHROMIUM", str(tmp_path / "chromium"))
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match=r"make browser.*setup-browser"):
        _require_chromium()


# Transactional: the live server thread must see what the test writes. Serialized rollback reloads
# the rows migrations created (root page, locale, collection) in case an earlier transactional test
# flushed them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_editor_writes_previews_and_publishes_an_article_the_api_then_serves(
    newsroom, live_server, browser_page, settings
):
    base_url = live_server.url
    settings.WAGTAIL_HEADLESS_PREVIEW = {
        **getattr(settings, "WAGTAIL_HEADLESS_PREVIEW", {}),
        "CLIENT_URLS": {"default": FRONTEND},
    }
    browser_page.context.route(f"{FRONTEND}**", fake_frontend(base_url))
    editor = Editor(browser_page, base_url)

    editor.log_in("claire", PASSWORD)
    # The admin speaks French to this editor.
    assert browser_page.locator("html").get_attribute("lang") == "fr"

    editor.write_article(newsroom["section"].pk, earlier_title=newsroom["earlier"].title)
    editor.preview()
    editor.save_draft()
    assert TITLE not in listed_titles(base_url), "a draft must not reach the API"

    editor.publish()
    listed = listed_titles(base_url)
    assert TITLE in listed

    article = graphql(base_url, ARTICLE_QUERY, {"id": listed[TITLE]})["article"]
    assert article["title"] == TITLE
    assert article["standfirst"] == STANDFIRST
    assert article["section"] == {"slug": "economie"}
    assert article["topics"] == [{"slug": "climat"}]
    assert article["leadImage"]["credit"] == LEAD_CREDIT
    assert article["leadImage"]["caption"] == LEAD_CAPTION
    assert article["leadImage"]["url"]

    blocks = article["body"]
    assert [b["blockType"] for b in blocks] == [
        "ParagraphBlock",
        "HeadingBlock",
        "ParagraphBlock",
        "PullQuoteBlock",
        "BodyImageBlock",
    ]
    assert PARAGRAPH_1 in blocks[0]["html"]
    assert blocks[1] == {"blockType": "HeadingBlock", "text": HEADING, "level": "h2"}
    assert PARAGRAPH_2 in blocks[2]["html"]
    assert blocks[3] == {
        "blockType": "PullQuoteBlock",
        "text": QUOTE,
        "attribution": QUOTE_BY,
        "attributionRole": QUOTE_ROLE,
    }
    assert blocks[4]["image"]["credit"] == BODY_CREDIT
    assert blocks[4]["image"]["caption"] == BODY_CAPTION
    assert blocks[4]["image"]["url"]

    assert article["relatedLinks"] == [
        {"title": newsroom["earlier"].title, "isExternal": False,
         "page": {"slug": "rhin-au-plus-bas"}}
    ]  # fmt: skip
