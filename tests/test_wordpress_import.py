"""`import_wordpress`: a WordPress export becomes articles, rubriques, topics, authors, images and
redirects; the articles read back through the API exactly as written; a second run changes
nothing; broken or dangerous files are refused before anything is written."""

import io
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import Image as PILImage
from wagtail.contrib.redirects.models import Redirect
from wagtail.images.models import Image
from wagtail.models import PageLogEntry, ReferenceIndex, Revision

from delivery import feed
from delivery.models import ChangeLog
from news.models import ArticlePage, Author, SectionPage, Topic
from news.richtext import plain_text
from search.models import ArticleSearchDocument
from tests.factories import make_section, make_site
from wpimport import services
from wpimport.models import ImportedPost
from wpimport.services import Importer

FIXTURES = Path(__file__).parent / "wordpress"
EXPORT = FIXTURES / "redaction.xml"
SITE = "https://courrier-littoral.example"

ARTICLE = """query ($path: String!) {
  article(urlPath: $path) {
    title standfirst publishedAt
    section { slug }
    authors { name slug role bio }
    topics { name kind }
    leadImage { alt caption credit }
    body {
      blockType
      ... on ParagraphBlock { html }
      ... on HeadingBlock { text level }
      ... on PullQuoteBlock { text attribution attributionRole }
      ... on BodyImageBlock { image { alt caption credit } }
      ... on EmbedBodyBlock { url provider caption }
    }
    relatedLinks { title url isExternal }
  }
}"""

REDIRECTS = """{ redirects(first: 50) { edges { node { oldPath target isPermanent } } } }"""


def jpeg(path: Path, colour=(20, 60, 120)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", (64, 48), colour).save(path, format="JPEG")


@pytest.fixture
def newsroom(db):
    home = make_site()
    economie = make_section(home, "Économie", slug="economie")
    borne = Topic.objects.create(name="Élisabeth Borne", slug="borne", kind=Topic.Kind.PERSON)
    return home, economie, borne


@pytest.fixture
def media(tmp_path):
    root = tmp_path / "uploads"
    jpeg(root / "2025/03/quai-nord.jpg")
    return root


@pytest.fixture
def kinds(tmp_path):
    path = tmp_path / "kinds.csv"
    path.write_text("cgt,organisation\nport-autonome,Lieu\n", encoding="utf-8")
    return path


def run(export=EXPORT, **options) -> tuple[dict, str]:
    out = io.StringIO()
    report_path = Path(options.pop("report_dir")) / "rapport.json"
    call_command("import_wordpress", str(export), report=str(report_path), stdout=out, **options)
    return json.loads(report_path.read_text(encoding="utf-8")), out.getvalue()


@pytest.fixture
def imported(newsroom, media, kinds, tmp_path):
    report, output = run(media=str(media), topic_kinds=str(kinds), report_dir=tmp_path)
    return report, output


def page_for(wp_id: int) -> ArticlePage:
    record = ImportedPost.objects.get(site_url=SITE, wp_id=wp_id)
    return ArticlePage.objects.get(pk=record.page_id)


def blocks(page):
    return [(child.block_type, child.value) for child in page.body]


def test_report_counts_each_post_once_with_skip_reasons(imported):
    report, output = imported
    assert report["counts"] == {"created": 5, "updated": 0, "unchanged": 0, "skipped": 3}
    reasons = {row["wp_id"]: row["reason"] for row in report["skipped"]}
    assert reasons == {
        107: "article privé",
        108: "article à la corbeille",
        2: "type « page » non importé",
    }
    assert "Créés : 5, mis à jour : 0, inchangés : 0, ignorés : 3" in output
    assert "] 8/8" in output  # the progress bar reached the end


def test_gutenberg_post_reads_back_through_the_api_character_for_character(imported, gql):
    page = page_for(102)
    article = gql.data(ARTICLE, {"path": page.get_url_parts()[2]})["article"]
    assert article["title"] == "Tempête sur les quais : les dockers de Port-Vendres en grève"
    body = article["body"]
    assert [b["blockType"] for b in body] == [
        "HeadingBlock", "ParagraphBlock", "PullQuoteBlock", "HeadingBlock", "PullQuoteBlock",
        "EmbedBodyBlock", "ParagraphBlock",
    ]  # fmt: skip
    assert body[0] == {"blockType": "HeadingBlock", "text": "Un mouvement qui s’installe",
                       "level": "h2"}  # fmt: skip
    target = page_for(103).get_url_parts()[2]
    assert body[1]["html"] == (
        "<p>Depuis lundi, <b>aucun navire</b> n’a quitté le port. Les grévistes réclament "
        f'l’<i>application</i> de l’accord signé en 2023, comme le rappelle <a href="{target}" '
        'rel="noopener noreferrer">'
        "notre enquête de janvier</a>.</p>"
    )
    assert body[2] == {
        "blockType": "PullQuoteBlock",
        "text": "On ne demande rien de plus que ce qui a été promis.",
        "attribution": "Karim Benali",
        "attributionRole": "délégué syndical CGT",
    }
    assert body[3]["text"] == "Ce que dit la direction" and body[3]["level"] == "h3"
    assert body[4]["text"] == "Le dialogue n’a jamais été rompu, mais l’État doit trancher."
    assert body[4]["attribution"] == "Hélène Vidal"
    assert body[5] == {
        "blockType": "EmbedBodyBlock",
        "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "provider": "youtube",
        "caption": "Les images de l’assemblée générale.",
    }
    assert (
        body[6]["html"]
        == "<ul><li>Trois navires bloqués</li><li>Deux cents salariés concernés</li></ul>"
    )
    # No excerpt, and the body opens with a heading: the first paragraph is copied, not moved.
    assert article["standfirst"] == plain_text(body[1]["html"])


def test_classic_post_becomes_the_same_blocks_as_gutenberg(imported, gql):
    page = page_for(103)
    article = gql.data(ARTICLE, {"path": page.get_url_parts()[2]})["article"]
    assert article["standfirst"] == (
        "Deux ans après sa signature, que reste-t-il de l’accord censé « moderniser » le port ?"
    )
    body = article["body"]
    assert [b["blockType"] for b in body] == [
        "ParagraphBlock", "HeadingBlock", "ParagraphBlock", "BodyImageBlock", "PullQuoteBlock",
        "ParagraphBlock",
    ]  # fmt: skip
    assert body[0]["html"] == (
        "<p>Signé au printemps 2023, l’accord devait « moderniser » le port sans supprimer "
        "d’emplois.<br>Deux ans plus tard, le bilan est contrasté.</p>"
    )
    assert body[1]["text"] == "Trois engagements"
    assert body[3]["image"] == {
        "alt": "Des grues au lever du jour sur le quai nord",
        "caption": "Le quai nord à l’aube, avant l’arrivée des équipes.",
        "credit": "Courrier du Littoral / L",
    }
    assert body[4] == {
        "blockType": "PullQuoteBlock",
        "text": "Nous avons tenu parole sur les salaires, pas encore sur le reste.",
        "attribution": "Hélène Vidal",
        "attributionRole": "directrice du port",
    }
    # [su_note] is unwrapped, its text kept; the newsletter form shortcode is gone.
    assert body[5]["html"] == "<p>Cet article a été mis à jour le 6 janvier.</p>"


def test_shortcodes_widgets_and_empty_paragraphs_are_never_imported_as_text(imported):
    for wp_id in (102, 103, 104):
        stored = " ".join(
            str(v) for b in page_for(wp_id).body.raw_data for v in b["value"].values()
        )
        for leftover in ("[", "]", "newsletter", "Recevez notre lettre", "S’inscrire", "mc4wp",
                         "sharethis", "<p></p>", "\u00a0"):  # fmt: skip
            assert leftover not in stored, (wp_id, leftover)


def test_lire_aussi_chain_becomes_related_links(imported, gql):
    dockers, accord, sardine = page_for(102), page_for(103), page_for(104)
    # Backward link (to a post earlier in the file), forward link, and an outside site.
    assert [link.target_page_id for link in sardine.related_links.all()] == [dockers.pk]
    assert [link.target_page_id for link in dockers.related_links.all()] == [accord.pk]
    external = accord.related_links.get()
    assert (external.target_page_id, external.url, external.title) == (
        None, "https://archives-regionales.example/dossier-port",
        "Le dossier des archives régionales",
    )  # fmt: skip
    api = gql.data(ARTICLE, {"path": dockers.get_url_parts()[2]})["article"]["relatedLinks"]
    assert api == [{"title": "L’accord portuaire de 2023, ligne par ligne",
                    "url": accord.get_url_parts()[2], "isExternal": False}]  # fmt: skip
    # The closing line is a link now, not a paragraph.
    assert "lire aussi" not in json.dumps(list(dockers.body.raw_data), ensure_ascii=False).lower()


def test_images_come_from_the_media_folder_once_with_caption_and_credit(imported):
    report, _ = imported
    assert Image.objects.count() == 1
    image = Image.objects.get()
    dockers, accord = page_for(102), page_for(103)
    assert dockers.lead_image_id == image.pk  # _thumbnail_id
    assert dockers.lead_image_alt == "Des grues au lever du jour sur le quai nord"
    assert dockers.lead_image_caption == "Le quai nord vu depuis la digue."
    assert [v["image"].pk for t, v in blocks(accord) if t == "image"] == [image.pk]
    missing = [w for w in report["warnings"] if "piquet-de-greve" in w["message"]]
    assert missing and missing[0]["wp_id"] == 102
    assert report["created"]["images"] == 1


def test_states_and_original_dates(imported):
    accord = page_for(103)
    published = datetime(2025, 1, 5, 9, 0, tzinfo=UTC)
    assert accord.live and accord.first_published_at == published
    assert accord.published_at == published
    terminal = page_for(105)
    assert not terminal.live
    assert terminal.go_live_at == datetime(2030, 4, 1, 6, 0, tzinfo=UTC)
    assert Revision.page_revisions.filter(
        object_id=str(terminal.pk), approved_go_live_at__isnull=False
    ).exists()
    draft = page_for(106)
    assert not draft.live and draft.go_live_at is None
    assert not ImportedPost.objects.filter(wp_id__in=[107, 108, 2]).exists()
    assert not ArticlePage.objects.filter(title="Notes internes de la rédaction").exists()


def test_revisions_record_the_import_as_their_source(imported):
    page = page_for(102)
    entries = list(PageLogEntry.objects.filter(page=page, action="wpimport.import").order_by("pk"))
    # Two: this post links to one later in the file, so it is written again once that exists.
    assert len(entries) == 2
    assert entries[-1].revision_id == page.latest_revision_id
    assert all(e.data == {"source": "wordpress", "site_url": SITE, "wp_id": 102} for e in entries)
    assert not PageLogEntry.objects.filter(
        action="wpimport.import", revision__isnull=True
    ).exists()


def test_categories_tags_and_authors(imported, newsroom):
    _home, economie, borne = newsroom
    report, _ = imported
    assert page_for(103).get_parent().pk == economie.pk
    societe = page_for(102).get_parent().specific
    assert isinstance(societe, SectionPage) and societe.title == "Société" and societe.live
    assert report["new_sections"] == ["Société"]
    # "elisabeth BORNE" is the existing "Élisabeth Borne".
    assert set(page_for(103).topics.all()) == {borne, Topic.objects.get(slug="cgt")}
    assert Topic.objects.filter(name__iexact="elisabeth borne").count() == 0
    assert Topic.objects.get(slug="cgt").kind == "organisation"
    assert Topic.objects.get(slug="port-autonome").kind == "place"
    names = {(a.name, a.slug) for a in Author.objects.all()}
    assert names == {("Joëlle Durand", "joelle-durand"), ("Pascal Morel", "pascal-morel")}
    for author in Author.objects.all():
        public = " ".join([author.name, author.slug, author.role, author.bio])
        assert "pmorel84" not in public and "@" not in public and "jdurand" not in public


def test_old_urls_are_redirects_served_by_the_api(imported, gql):
    dockers = page_for(102)
    nodes = [e["node"] for e in gql.data(REDIRECTS)["redirects"]["edges"]]
    by_path = {n["oldPath"]: n for n in nodes}
    new_url = dockers.get_url_parts()[2]
    assert by_path["/2025/02/10/dockers-en-greve"]["target"] == new_url
    assert by_path["/?p=102"]["target"] == new_url
    assert by_path["/?p=102"]["isPermanent"] is True
    # The scheduled and draft posts have redirects too, hidden until they are live.
    assert Redirect.objects.filter(old_path="/?p=105").exists()
    assert "/?p=105" not in by_path


def test_publishing_feeds_the_change_log(imported):
    page = page_for(102)
    assert ChangeLog.objects.filter(object_id=page.pk, kind="UPSERT").exists()
    assert not ChangeLog.objects.filter(object_id=page_for(106).pk).exists()


def test_second_run_changes_nothing(imported, media, kinds, tmp_path):
    counts = {
        "pages": ArticlePage.objects.count(), "revisions": Revision.objects.count(),
        "redirects": Redirect.objects.count(), "images": Image.objects.count(),
        "topics": Topic.objects.count(), "authors": Author.objects.count(),
        "changes": ChangeLog.objects.count(),
    }  # fmt: skip
    report, _ = run(media=str(media), topic_kinds=str(kinds), report_dir=tmp_path)
    assert report["counts"] == {"created": 0, "updated": 0, "unchanged": 5, "skipped": 3}
    assert counts == {
        "pages": ArticlePage.objects.count(), "revisions": Revision.objects.count(),
        "redirects": Redirect.objects.count(), "images": Image.objects.count(),
        "topics": Topic.objects.count(), "authors": Author.objects.count(),
        "changes": ChangeLog.objects.count(),
    }  # fmt: skip


def test_second_run_updates_what_changed_in_place(imported, media, kinds, tmp_path):
    before = page_for(104)
    edited = tmp_path / "modifie.xml"
    edited.write_text(
        EXPORT.read_text(encoding="utf-8").replace(
            "Les chalutiers reprennent la mer ce week-end.",
            "Les chalutiers reprennent la mer dès samedi.",
        ),
        encoding="utf-8",
    )
    report, _ = run(edited, media=str(media), topic_kinds=str(kinds), report_dir=tmp_path)
    assert report["counts"] == {"created": 0, "updated": 1, "unchanged": 4, "skipped": 3}
    after = page_for(104)
    assert after.pk == before.pk and after.slug == before.slug
    assert "dès samedi" in after.standfirst


def test_dry_run_writes_nothing_and_reports_the_same(newsroom, media, kinds, tmp_path):
    tables = (ArticlePage, SectionPage, Topic, Author, Image, Redirect, ImportedPost, Revision)
    before = {model: model.objects.count() for model in tables}
    dry, output = run(media=str(media), topic_kinds=str(kinds), dry_run=True, report_dir=tmp_path)
    assert {model: model.objects.count() for model in tables} == before
    assert "Simulation (--dry-run)" in output
    real, _ = run(media=str(media), topic_kinds=str(kinds), report_dir=tmp_path)
    assert dry["counts"] == real["counts"]
    assert dry["skipped"] == real["skipped"]
    assert dry["new_sections"] == real["new_sections"]
    assert [p["outcome"] for p in dry["posts"]] == [p["outcome"] for p in real["posts"]]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bombe.xml", "entités ou références externes interdites"),
        ("entite-externe.xml", "entités ou références externes interdites"),
        ("tronque.xml", "XML mal formé ligne 149, colonne"),
    ],
)
def test_dangerous_or_broken_files_stop_before_anything_is_written(newsroom, tmp_path, name,
                                                                   message):  # fmt: skip
    pages = ArticlePage.objects.count(), SectionPage.objects.count(), Topic.objects.count()
    with pytest.raises(CommandError) as error:
        run(FIXTURES / name, report_dir=tmp_path)
    assert message in str(error.value)
    assert "rien n'a été écrit" in str(error.value)
    assert (ArticlePage.objects.count(), SectionPage.objects.count(),
            Topic.objects.count()) == pages  # fmt: skip
    assert not ImportedPost.objects.exists() and not Author.objects.exists()


def test_one_failing_post_leaves_no_half_written_page(newsroom, media, tmp_path, monkeypatch):
    original = Importer._redirects

    def failing(self, post, page):
        if post.wp_id == 104:
            raise ValueError("panne simulée")
        return original(self, post, page)

    monkeypatch.setattr(Importer, "_redirects", failing)
    report, _ = run(media=str(media), report_dir=tmp_path)
    assert not ArticlePage.objects.filter(slug="saison-sardine").exists()
    assert not ImportedPost.objects.filter(wp_id=104).exists()
    outcome = next(p for p in report["posts"] if p["wp_id"] == 104)
    assert outcome == {
        "wp_id": 104,
        "outcome": "skipped",
        "reason": "invalide : panne simulée",
        "title": "Pêche : la saison de la sardine s’ouvre sous surveillance",
    }
    assert report["counts"]["created"] == 4


def test_an_unexpected_error_in_one_post_is_reported_and_the_run_goes_on(
    newsroom, tmp_path, monkeypatch
):
    original = Importer._related

    def broken(self, related):
        if any(item["title"] == "Les dockers en grève" for item in related):
            raise KeyError("cible")
        return original(self, related)

    monkeypatch.setattr(Importer, "_related", broken)
    report, _ = run(report_dir=tmp_path)
    outcome = next(p for p in report["posts"] if p["wp_id"] == 104)
    assert outcome["outcome"] == "skipped"
    assert outcome["reason"] == "erreur : KeyError: 'cible'"
    assert not ImportedPost.objects.filter(wp_id=104).exists()
    assert report["counts"]["created"] == 4


def test_attachment_paths_cannot_leave_the_media_folder(newsroom, tmp_path):
    media = tmp_path / "uploads"
    media.mkdir()
    jpeg(tmp_path / "hors-du-dossier.jpg")
    export = tmp_path / "evasion.xml"
    export.write_text(
        EXPORT.read_text(encoding="utf-8").replace(
            "<![CDATA[2025/03/quai-nord.jpg]]>", "<![CDATA[../hors-du-dossier.jpg]]>"
        ),
        encoding="utf-8",
    )
    report, _ = run(export, media=str(media), report_dir=tmp_path)
    assert not Image.objects.exists()
    assert any("chemin de fichier refusé : ../hors-du-dossier.jpg" in w["message"]
               for w in report["warnings"])  # fmt: skip
    assert report["counts"]["created"] == 5  # the articles still come in, without the image


def test_section_map_sends_categories_to_existing_rubriques(newsroom, tmp_path):
    home, economie, _ = newsroom
    monde = make_section(home, "Monde", slug="monde")
    mapping = tmp_path / "rubriques.csv"
    mapping.write_text("societe,monde\n", encoding="utf-8")
    run(section_map=str(mapping), report_dir=tmp_path)
    assert page_for(102).get_parent().pk == monde.pk
    assert not SectionPage.objects.filter(slug="societe").exists()


def test_bad_option_files_are_refused_before_reading_the_export(newsroom, tmp_path):
    mapping = tmp_path / "rubriques.csv"
    mapping.write_text("societe,rubrique-inexistante\n", encoding="utf-8")
    with pytest.raises(CommandError, match="rubriques inconnues : rubrique-inexistante"):
        run(section_map=str(mapping), report_dir=tmp_path)
    kinds = tmp_path / "types.csv"
    kinds.write_text("cgt,syndicat\n", encoding="utf-8")
    with pytest.raises(CommandError, match="type inconnu « syndicat »"):
        run(topic_kinds=str(kinds), report_dir=tmp_path)
    assert not ArticlePage.objects.exists()


def test_as_drafts_imports_everything_unpublished(newsroom, tmp_path):
    report, _ = run(as_drafts=True, report_dir=tmp_path)
    assert report["counts"]["created"] == 5
    assert not ArticlePage.objects.filter(live=True).exists()
    assert page_for(105).go_live_at is None


def test_wxr_1_1_exports_are_read_too(newsroom, tmp_path):
    older = tmp_path / "wxr11.xml"
    older.write_text(
        EXPORT.read_text(encoding="utf-8").replace("export/1.2/", "export/1.1/"),
        encoding="utf-8",
    )
    report, _ = run(older, report_dir=tmp_path)
    assert report["counts"]["created"] == 5


def test_missing_media_folder_still_imports_articles(newsroom, tmp_path):
    shutil.rmtree(tmp_path / "uploads", ignore_errors=True)
    report, _ = run(report_dir=tmp_path)
    assert report["counts"]["created"] == 5
    assert any("sans --media" in w["message"] for w in report["warnings"])


LIVE_POSTS, HIDDEN_POSTS = (102, 103, 104), (105, 106)


@pytest.mark.parametrize("flush_every", [1, 500])
def test_batched_pass_leaves_search_feed_and_references_consistent(
    newsroom, media, kinds, tmp_path, monkeypatch, flush_every
):
    monkeypatch.setattr(services, "FLUSH_EVERY", flush_every)
    run(media=str(media), topic_kinds=str(kinds), report_dir=tmp_path)
    for wp_id in LIVE_POSTS:
        page = page_for(wp_id)
        assert ArticleSearchDocument.objects.filter(article_id=page.pk).exists()
        assert ChangeLog.objects.filter(object_id=page.pk, kind="UPSERT").count() == 1
        assert ReferenceIndex.objects.filter(object_id=str(page.pk)).exists()
    for wp_id in HIDDEN_POSTS:
        page = page_for(wp_id)
        assert not ArticleSearchDocument.objects.filter(article_id=page.pk).exists()
        assert not ChangeLog.objects.filter(object_id=page.pk).exists()
    new_section = SectionPage.objects.exclude(slug="economie").first()
    assert ChangeLog.objects.filter(object_id=new_section.pk, kind="UPSERT").exists()


def test_per_page_signal_work_is_done_once_per_batch(newsroom, media, kinds, tmp_path,
                                                     monkeypatch):  # fmt: skip
    calls = {"refresh_subtree": 0, "bump": 0}

    def counting(name, real):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(feed, "refresh_subtree", counting("refresh_subtree", feed.refresh_subtree))
    monkeypatch.setattr(services.api_cache, "bump_generation",
                        counting("bump", services.api_cache.bump_generation))  # fmt: skip
    run(media=str(media), topic_kinds=str(kinds), report_dir=tmp_path)
    assert calls == {"refresh_subtree": 0, "bump": 1}


def test_signals_are_back_after_the_import(imported):
    draft = page_for(106)
    draft.save_revision().publish()
    assert ChangeLog.objects.filter(object_id=draft.pk, kind="UPSERT").exists()
    assert ArticleSearchDocument.objects.filter(article_id=draft.pk).exists()


def test_unchanged_rerun_writes_no_revision_log_feed_entry_or_cache_bump(
    imported, media, kinds, tmp_path, monkeypatch
):
    bumps = []
    monkeypatch.setattr(services.api_cache, "bump_generation", lambda **kw: bumps.append(kw))
    before = (Revision.objects.count(), PageLogEntry.objects.count(), ChangeLog.objects.count(),
              ArticleSearchDocument.objects.count(), ReferenceIndex.objects.count())  # fmt: skip
    stamps = dict(ImportedPost.objects.values_list("wp_id", "imported_at"))
    report, _ = run(media=str(media), topic_kinds=str(kinds), report_dir=tmp_path)
    assert report["counts"]["unchanged"] == 5
    after = (Revision.objects.count(), PageLogEntry.objects.count(), ChangeLog.objects.count(),
             ArticleSearchDocument.objects.count(), ReferenceIndex.objects.count())  # fmt: skip
    assert after == before
    assert dict(ImportedPost.objects.values_list("wp_id", "imported_at")) == stamps
    assert bumps == []
