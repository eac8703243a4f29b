"""`manage.py load_demo_content` builds a complete, live newsroom, and running it again changes
nothing. The newsroom is loaded once for the class and rolled back afterwards."""

import io
import re
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.models import Page, ReferenceIndex, Revision, Site

from demo import content, loader
from home.models import HomePage
from news.blocks import BODY_BLOCK_TYPES
from news.models import ArticlePage, Author, RelatedLink, SectionPage, Topic
from tests.shared_data import rolled_back
from tests.test_api_docs_examples import EXAMPLES, operation, variables_for

WIRE = "sommet-regional-securite"

WIRE_QUERY = """
query ($slug: String!) {
  article(slug: $slug) {
    title standfirst url
    topics { name slug kind }
    leadImage { url alt caption credit }
    body {
      blockType
      ... on HeadingBlock { text level }
      ... on ParagraphBlock { html }
      ... on PullQuoteBlock { text attribution attributionRole }
    }
    relatedLinks { title url isExternal page { ... on ArticlePage { title slug } } }
  }
}
"""


def run_command() -> str:
    out = io.StringIO()
    call_command("load_demo_content", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker, demo_media):
    """Load the newsroom once for a whole class, inside a transaction rolled back at the end."""
    with rolled_back(django_db_blocker), override_settings(MEDIA_ROOT=demo_media):
        yield run_command()


def snapshot() -> dict:
    """Row count of every table, plus the publication state of every page."""
    counts = {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if not model._meta.proxy and model._meta.managed
    }
    pages = list(
        Page.objects.order_by("pk").values_list(
            "pk", "latest_revision_id", "live_revision_id", "last_published_at", "numchild"
        )
    )
    return {"counts": counts, "pages": pages}


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestDemoNewsroom:
    @pytest.fixture(autouse=True)
    def _media_root(self, settings, demo_media):
        # The demo's images live in the class's media folder, not in a per-test one.
        settings.MEDIA_ROOT = demo_media

    def test_replaces_the_welcome_page_with_a_live_french_home(self):
        site = Site.objects.get(is_default_site=True)
        home = site.root_page.specific
        assert isinstance(home, HomePage)
        assert home.live and home.slug == "accueil"
        assert home.locale.language_code == "fr"
        assert (site.hostname, site.port) == ("testserver", 80)  # from WAGTAILADMIN_BASE_URL
        assert not Page.objects.filter(depth=2, slug="home").exists()
        assert not any(Page.find_problems())

    def test_meets_the_minimum_counts(self):
        home = HomePage.objects.get(slug="accueil")
        sections = SectionPage.objects.child_of(home).live()
        articles = ArticlePage.objects.descendant_of(home).live()
        assert sections.count() >= 5
        assert Author.objects.count() >= 6
        assert Topic.objects.count() >= 20
        assert set(Topic.objects.values_list("kind", flat=True)) == set(Topic.Kind.values)
        assert articles.count() >= 40
        assert all(Author.objects.values_list("photo", flat=True))

    def test_every_page_is_published_through_a_revision(self):
        pages = Page.objects.type(HomePage, SectionPage, ArticlePage)
        assert pages.filter(live_revision__isnull=True).count() == 0
        assert pages.filter(has_unpublished_changes=True).count() == 0
        for page in pages.specific():
            assert page.live_revision.object_id == str(page.pk)

    def test_every_body_block_type_is_used(self):
        used = Counter(
            block.block_type for article in ArticlePage.objects.all() for block in article.body
        )
        assert set(used) == set(BODY_BLOCK_TYPES)

    def test_articles_link_to_each_other_and_outside(self):
        assert RelatedLink.objects.filter(target_page__isnull=False).count() >= 20
        assert RelatedLink.objects.exclude(url="").count() >= 2
        inline = [
            block.value["page"]
            for article in ArticlePage.objects.all()
            for block in article.body
            if block.block_type == "related"
        ]
        assert inline and all(page is not None and page.live for page in inline)

    def test_lead_images_are_generated_jpegs_with_caption_and_credit(self):
        articles = ArticlePage.objects.select_related("lead_image")
        assert all(a.lead_image and a.lead_image_caption and a.lead_image_credit
                   for a in articles)  # fmt: skip
        image = articles.get(slug=WIRE).lead_image
        with image.open_file() as handle:
            picture = PILImage.open(handle)
            assert picture.format == "JPEG"
            assert picture.size == (1600, 900)

    def test_dates_spread_over_recent_weeks_with_the_wire_article_newest(self):
        dates = dict(ArticlePage.objects.values_list("slug", "published_at"))
        now = timezone.now()
        assert all(date <= now for date in dates.values())
        assert len(set(dates.values())) == len(dates)
        assert max(dates.values()) - min(dates.values()) > timedelta(weeks=2)
        assert max(dates, key=dates.get) == WIRE

    def test_new_content_is_searchable_and_in_the_reference_index(self):
        found = ArticlePage.objects.live().search("Kerbastel")
        assert "fc-kerbastel-exploit-en-coupe" in [page.slug for page in found]
        wire = ArticlePage.objects.get(slug=WIRE)
        assert ReferenceIndex.get_references_to(wire.lead_image).exists()

    def test_home_features_articles_in_order(self, gql):
        data = gql.data("{ home { title featuredArticles { slug } } sections { slug } }")
        featured = [a["slug"] for a in data["home"]["featuredArticles"]]
        assert featured[0] == WIRE
        assert featured == content.FEATURED
        assert len(data["sections"]) >= 5

    def test_wire_article_has_every_part(self, gql):
        article = gql.data(WIRE_QUERY, {"slug": WIRE})["article"]
        assert article["title"].startswith("Sécurité régionale")
        assert len(article["standfirst"]) > 100

        # Six subheadings, each followed by one or two paragraphs; one pull quote among them.
        letters = {"HeadingBlock": "H", "ParagraphBlock": "P", "PullQuoteBlock": "Q"}
        shape = "".join(letters[block["blockType"]] for block in article["body"])
        assert re.fullmatch(r"(HPP?Q?){6}", shape), shape
        assert shape.count("H") == 6 and shape.count("Q") == 1
        headings = [b for b in article["body"] if b["blockType"] == "HeadingBlock"]
        assert all(h["text"] and h["level"] == "h2" for h in headings)
        assert all(
            b["html"].startswith("<p>")
            for b in article["body"]
            if b["blockType"] == "ParagraphBlock"
        )

        (quote,) = [b for b in article["body"] if b["blockType"] == "PullQuoteBlock"]
        assert quote["attribution"] == "Mariam Sow-Delcourt"
        assert quote["attributionRole"].startswith("porte-parole")
        # Stored without « », as the block asks: the quotation block is what frontends typeset.
        assert quote["text"] and "«" not in quote["text"]

        kinds = Counter(topic["kind"] for topic in article["topics"])
        assert kinds == {"person": 6, "organisation": 2}
        names = {topic["name"] for topic in article["topics"]}
        heads_of_state = {"Élise Marveaux", "Idrissa Komaté", "Nadia Ferhane", "Aurelio Brandt"}
        ministers = {"Clara Vennet", "Samuel Oyéré"}
        organisations = {"Union des États riverains", "Fonds régional pour la paix"}
        assert names == heads_of_state | ministers | organisations

        lead = article["leadImage"]
        assert lead["url"].startswith("http") and lead["caption"] and lead["credit"]

        (link,) = article["relatedLinks"]
        target = ArticlePage.objects.get(slug=link["page"]["slug"])
        assert target.slug != WIRE
        assert link["title"] == target.title == link["page"]["title"]
        assert link["isExternal"] is False and link["url"] == target.url

    def test_the_api_guides_reading_examples_answer_from_the_demo(self, gql):
        """What a newcomer pastes from docs/api.md into GraphiQL finds real content."""
        wire = ArticlePage.objects.get(slug=WIRE)
        path = wire.url_path[len(wire.get_parent().get_parent().url_path) - 1 :]
        front = gql.data(EXAMPLES["FrontPage"])
        assert front["home"]["featuredArticles"][0]["title"] == wire.title
        assert len(front["sections"]) >= 5 and len(front["latest"]["edges"]) == 10

        article = gql.data(EXAMPLES["ArticlePage"], {"path": path, "locale": "fr"})["article"]
        assert article["title"] == wire.title

        more = gql.data(EXAMPLES["MoreArticles"], {"after": None})["articles"]
        assert more["edges"] and more["totalCount"] >= len(more["edges"])

        found = gql.data(EXAMPLES["Search"], {"query": "sécurité régionale"})["search"]
        assert wire.title in [edge["node"]["title"] for edge in found["edges"]]

        changes = gql.data(EXAMPLES["Sync"], {"since": None})["changes"]
        assert {"news.ArticlePage", "news.SectionPage"} <= {
            entry["contentType"] for entry in changes["entries"]
        }

    @pytest.mark.parametrize("name", sorted(EXAMPLES))
    def test_every_api_guide_example_runs_on_the_demo(self, gql, name):
        wire = ArticlePage.objects.get(slug=WIRE)
        newsroom = {"home": wire.get_parent().get_parent(), "article": wire}
        op = operation(EXAMPLES[name])
        data = gql.data(EXAMPLES[name], variables_for(op, newsroom, query="sécurité"))
        assert all(value is not None for value in data.values()), data

    def test_second_run_changes_nothing(self, demo, demo_media):
        assert "40 créés" in demo
        # The summary speaks French, like the rest of the command's output.
        assert "rubriques : 6" in demo and "topics" not in demo
        before = snapshot()
        files_before = sorted(p.name for p in demo_media.rglob("*") if p.is_file())
        revisions_before = Revision.objects.count()
        output = run_command()
        assert "déjà en place" in output
        assert snapshot() == before
        assert Revision.objects.count() == revisions_before
        assert sorted(p.name for p in demo_media.rglob("*") if p.is_file()) == files_before


@pytest.mark.django_db
def test_a_failed_run_leaves_nothing_behind(monkeypatch, settings):
    def broken(self, *args):
        assert Author.objects.exists()  # it fails halfway, after writing rows and images
        raise RuntimeError("disk full")

    welcome = Page.objects.filter(depth=2, slug="home").count()
    monkeypatch.setattr(loader.DemoLoader, "ensure_articles", broken)
    with pytest.raises(RuntimeError):
        run_command()
    assert not HomePage.objects.exists()
    assert not SectionPage.objects.exists()
    assert not Author.objects.exists() and not Topic.objects.exists()
    assert Page.objects.filter(depth=2, slug="home").count() == welcome
    assert not [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


@pytest.mark.django_db
def test_inconsistent_content_is_refused_before_writing(monkeypatch):
    bad = [dict(content.ARTICLES[0], see_also=["no-such-article"]), *content.ARTICLES[1:]]
    monkeypatch.setattr(content, "ARTICLES", bad)
    with pytest.raises(CommandError, match="no-such-article"):
        run_command()
    assert not HomePage.objects.exists()
