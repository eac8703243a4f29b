"""Stored renders (news.renders): every change that alters an article's output is followed by
a read that reflects it, and the stored answer equals the one computed afresh."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from news import renders
from news.models import ArticlePage, ArticleRender, Author, RenderDependency, SectionPage
from tests.render_helpers import FULL, LISTING, article_query, build_world, get


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what is scheduled after commit (renders are built then), as production does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def world(db, committed):
    with committed():
        world = build_world()
    return world


def same_as_fresh(client, *pks):
    """Reads with renders equal reads computed afresh; returns the main article's answer."""
    for query in [*(article_query(pk) for pk in pks), LISTING]:
        assert get(client, query) == get(client, query, renders="off"), query
    return get(client, article_query(pks[0]))["article"]


def html_of(article) -> str:
    return " ".join(block.get("html", "") for block in article["body"])


def test_publishing_stores_a_render_read_with_the_article(client, world):
    main = world["main"]
    render = ArticleRender.objects.get(pk=main.pk)
    tags = set(RenderDependency.objects.filter(render=render).values_list("tag", flat=True))
    assert {f"page:{main.pk}", f"url:{world['target'].pk}", f"author:{world['author'].pk}",
            f"topic:{world['topic'].pk}", f"image:{world['images']['lead'].pk}",
            f"image:{world['images']['inside'].pk}", f"image:{world['images']['photo'].pk}",
            "structure"} <= tags  # fmt: skip
    same_as_fresh(client, main.pk)


def test_reads_use_the_stored_parts(client, world):
    # Tampered on purpose: the answer shows it, so it was read, not recomputed.
    render = ArticleRender.objects.get(pk=world["main"].pk)
    render.body = render.body.replace("Voir", "Lu dans la table")
    render.save()
    assert "Lu dans la table" in html_of(get(client, article_query(world["main"].pk))["article"])


def test_a_stored_article_costs_fewer_queries(client, world):
    query = article_query(world["main"].pk)
    get(client, query)  # warm: site, schema
    with CaptureQueriesContext(connection) as stored:
        get(client, query)
    with CaptureQueriesContext(connection) as fresh:
        get(client, query, renders="off")
    assert len(stored) <= len(fresh) - 4, (len(stored), len(fresh))


def test_a_linked_page_made_private_loses_its_link(client, world, committed):
    target = world["target"]
    before = html_of(same_as_fresh(client, world["main"].pk))
    assert f'href="{target.url}"' in before or "/cible/" in before
    with committed():
        PageViewRestriction.objects.create(page=target, restriction_type="login")
    after = html_of(same_as_fresh(client, world["main"].pk))
    assert "/cible/" not in after
    assert ArticleRender.objects.filter(pk=world["main"].pk).exists()  # rebuilt


def test_a_linked_page_unpublished_or_deleted_loses_its_link(client, world, committed):
    with committed():
        ArticlePage.objects.get(pk=world["target"].pk).unpublish()
    assert "/cible/" not in html_of(same_as_fresh(client, world["main"].pk))
    with committed():
        ArticlePage.objects.get(pk=world["other"].pk).delete()
    after = same_as_fresh(client, world["main"].pk)
    assert "/autre/" not in html_of(after)
    assert "ici" in html_of(after)  # the text stays, without its link


def test_a_linked_page_expiring_loses_its_link_without_a_signal(
    client, world, committed, monkeypatch
):
    expiry = timezone.now() + timedelta(hours=1)
    with committed():
        target = ArticlePage.objects.get(pk=world["target"].pk)
        target.expire_at = expiry
        target.save_revision().publish()
    assert ArticleRender.objects.get(pk=world["main"].pk).valid_until == expiry
    assert "/cible/" in html_of(same_as_fresh(client, world["main"].pk))
    # An hour later, before Wagtail's scheduler unpublishes it: nothing was told.
    later = expiry + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "/cible/" not in html_of(same_as_fresh(client, world["main"].pk))


def test_an_image_alt_text_or_title_shows_at_once(client, world, committed):
    with committed():
        image = world["images"]["inside"]
        image.title = "Nouveau titre"
        image.save()
    article = same_as_fresh(client, world["main"].pk)
    images = [b["image"] for b in article["body"] if b["blockType"] == "BodyImageBlock"]
    assert images[0]["alt"] == "Nouveau titre"  # the block has no alt: the title stands in


def test_a_new_rendition_replaces_the_fallback(client, world, committed):
    from wagtail.images.models import Rendition

    lead = world["images"]["lead"]
    with committed():
        Rendition.objects.filter(image=lead, filter_spec="width-320").delete()
        renders.build([world["main"].pk])
    fallback = get(client, article_query(world["main"].pk))["article"]["leadImage"]["small"]
    with committed():
        from cms.renditions import generate_renditions

        generate_renditions(lead)
    made = same_as_fresh(client, world["main"].pk)["leadImage"]["small"]
    assert made != fallback and "320w" in made


def test_an_author_renamed_or_given_a_new_photo(client, world, committed):
    with committed():
        author = Author.objects.get(pk=world["author"].pk)
        author.name = "Alice Martin"
        author.photo = world["images"]["lead"]
        author.save()
    article = same_as_fresh(client, world["main"].pk)
    assert article["authors"][0]["name"] == "Alice Martin"
    assert article["authors"][0]["photo"]["alt"] == "Alice Martin"
    assert "Une" in article["authors"][0]["photo"]["url"]


def test_a_topic_renamed(client, world, committed):
    with committed():
        topic = world["topic"]
        topic.name = "Football"
        topic.save()
    assert same_as_fresh(client, world["main"].pk)["topics"][0]["name"] == "Football"


def test_a_rubrique_slug_changes_the_links_into_it(client, world, committed):
    with committed():
        section = SectionPage.objects.get(pk=world["sections"]["culture"].pk)
        section.slug = "arts"
        section.save_revision().publish()
    html = html_of(same_as_fresh(client, world["main"].pk, world["target"].pk))
    assert "/arts/cible/" in html and "/culture/cible/" not in html


def test_the_article_republished_with_a_new_body(client, world, committed):
    from wagtail.rich_text import RichText

    with committed():
        main = ArticlePage.objects.get(pk=world["main"].pk)
        main.body = [("paragraph", {"text": RichText("<p>Tout neuf.</p>")})]
        main.save_revision().publish()
    assert "Tout neuf." in html_of(same_as_fresh(client, world["main"].pk))
    tags = set(
        RenderDependency.objects.filter(render_id=world["main"].pk).values_list("tag", flat=True)
    )
    assert f"url:{world['other'].pk}" not in tags  # no longer linked: no longer rebuilt for it


def test_correcting_a_linked_article_leaves_the_renders_that_link_to_it(client, world, committed):
    # A much-linked article corrected every few minutes must not rebuild every article that
    # links to it: they store its URL, and that has not changed.
    main_built = ArticleRender.objects.get(pk=world["main"].pk).built_at
    with committed():
        target = ArticlePage.objects.get(pk=world["target"].pk)
        target.title = "Cible corrigée"
        target.save_revision().publish()
    assert ArticleRender.objects.get(pk=world["main"].pk).built_at == main_built
    assert ArticleRender.objects.get(pk=world["target"].pk).built_at > main_built
    answer = same_as_fresh(client, world["main"].pk, world["target"].pk)
    # Inline articles and related links are read when served: they show the new title.
    assert "Cible corrigée" in {link["title"] for link in answer["relatedLinks"]}


def test_a_linked_article_given_a_new_slug_rebuilds_the_renders_that_link_to_it(
    client, world, committed
):
    main_built = ArticleRender.objects.get(pk=world["main"].pk).built_at
    with committed():
        target = ArticlePage.objects.get(pk=world["target"].pk)
        target.slug = "cible-renommee"
        target.save_revision().publish()
    assert ArticleRender.objects.get(pk=world["main"].pk).built_at > main_built
    html = html_of(same_as_fresh(client, world["main"].pk, world["target"].pk))
    assert "/culture/cible-renommee/" in html and "/culture/cible/" not in html


def test_a_linked_article_renamed_by_a_plain_save_rebuilds_the_renders_that_link_to_it(
    client, world, committed
):
    # A script's save (no publish): the linking renders follow its new URL all the same.
    with committed():
        target = ArticlePage.objects.get(pk=world["target"].pk)
        target.slug = "cible-par-script"
        target.save()
    html = html_of(get(client, article_query(world["main"].pk))["article"])
    assert "/culture/cible-par-script/" in html and "/culture/cible/" not in html
    assert ArticleRender.objects.filter(pk=world["main"].pk).exists()


def test_a_publish_builds_the_article_render_once(client, world, committed, monkeypatch):
    built = []
    real = renders._build_group
    monkeypatch.setattr(
        renders,
        "_build_group",
        lambda group, *a: built.extend(g.pk for g in group) or real(group, *a),
    )
    with committed():
        main = ArticlePage.objects.get(pk=world["main"].pk)
        main.title = "Principal, mis à jour"
        main.save_revision().publish()
    assert built == [world["main"].pk]
    same_as_fresh(client, world["main"].pk)


def test_an_unpublished_article_loses_its_render(client, world, committed):
    with committed():
        ArticlePage.objects.get(pk=world["main"].pk).unpublish()
    assert not ArticleRender.objects.filter(pk=world["main"].pk).exists()
    assert get(client, article_query(world["main"].pk))["article"] is None


def test_a_preview_never_reads_the_render(client, world):
    from wagtail.rich_text import RichText

    from tests.test_previews import open_preview

    draft = ArticlePage.objects.get(pk=world["main"].pk)
    body = [("paragraph", {"text": RichText("<p>Brouillon du texte.</p>")})]
    _, token = open_preview(draft, body=body)
    query = f'{{ article(token: "{token}") {{ body {{ ... on ParagraphBlock {{ html }} }} }} }}'
    assert get(client, query)["article"]["body"] == [{"html": "<p>Brouillon du texte.</p>"}]
    assert "Voir" in html_of(get(client, article_query(world["main"].pk))["article"])


def test_another_edition_root_computes_afresh(client, world):
    render = ArticleRender.objects.get(pk=world["main"].pk)
    render.root_path = "0001XXXX"
    render.body = render.body.replace("Voir", "Lu dans la table")
    render.save()
    assert "Lu dans la table" not in html_of(
        get(client, article_query(world["main"].pk))["article"]
    )


def test_renders_of_other_code_or_settings_are_ignored(client, world, settings):
    render = ArticleRender.objects.get(pk=world["main"].pk)
    render.body = render.body.replace("Voir", "Lu dans la table")
    render.save()
    settings.KIOSQUE = {**settings.KIOSQUE, "IMAGE_WIDTHS": [320, 640]}
    assert "Lu dans la table" not in html_of(
        get(client, article_query(world["main"].pk))["article"]
    )


def test_a_response_cached_from_a_render_is_dropped_by_its_tags(client, world, committed):
    """The render's tags are the answer's tags: an author renamed drops a cached article."""
    from urllib.parse import urlencode

    query = article_query(world["main"].pk)
    url = "/graphql/?" + urlencode({"query": query})
    assert client.get(url).json()["data"]["article"]["authors"][0]["name"] == "Alice"
    with committed():
        author = Author.objects.get(pk=world["author"].pk)
        author.name = "Alice Martin"
        author.save()
    assert client.get(url).json()["data"]["article"]["authors"][0]["name"] == "Alice Martin"


def test_a_build_needs_no_allowed_host_for_the_site(client, world, settings):
    """Renders are built after a commit, outside any request: the site's host is not checked."""
    ArticleRender.objects.all().delete()
    settings.ALLOWED_HOSTS = ["api.autre.example"]
    assert renders.build([world["main"].pk]) == 1
    settings.ALLOWED_HOSTS = ["*"]
    same_as_fresh(client, world["main"].pk)


def test_the_worker_rebuilds_renders_left_missing_by_a_large_change(client, world, settings):
    # A change over INLINE_LIMIT renders drops them and leaves them to be read afresh.
    main = world["main"].pk
    ArticleRender.objects.filter(pk=main).delete()
    assert main in set(renders.pending().values_list("pk", flat=True))
    call_command("run_worker", once=True, schedule_every=0, stdout=io.StringIO())
    assert ArticleRender.objects.filter(pk=main, version=renders.render_version()).exists()
    assert main not in set(renders.pending().values_list("pk", flat=True))
    same_as_fresh(client, main)


def test_the_worker_rebuilds_a_render_past_its_valid_until(client, world, committed, monkeypatch):
    expiry = timezone.now() + timedelta(hours=1)
    with committed():
        target = ArticlePage.objects.get(pk=world["target"].pk)
        target.expire_at = expiry
        target.save_revision().publish()
    main = world["main"].pk
    later = expiry + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert main in set(renders.pending().values_list("pk", flat=True))
    # The target has expired: the worker's scheduled pass unpublishes it, and the catch-up
    # rebuilds the render without the link and with no valid_until left.
    call_command("run_worker", once=True, schedule_every=0, stdout=io.StringIO())
    render = ArticleRender.objects.get(pk=main)
    assert render.built_at == later and render.valid_until is None
    assert "/cible/" not in html_of(same_as_fresh(client, main))


FEED = "{ changes(first: 100) { entries { node { ... on ArticlePage { " + FULL + " } } } } }"


def feed_nodes(client, renders="on") -> dict:
    entries = get(client, FEED, renders=renders)["changes"]["entries"]
    return {e["node"]["id"]: e["node"] for e in entries if e["node"] and "id" in e["node"]}


def test_the_change_feed_reads_the_stored_parts_and_equals_the_fresh_answer(client, world):
    # An app's sync shows what `articles` shows, from the same stored renders.
    assert feed_nodes(client) == feed_nodes(client, renders="off")
    render = ArticleRender.objects.get(pk=world["main"].pk)
    render.body = render.body.replace("Voir", "Lu dans la table")
    render.save()
    node = feed_nodes(client)[str(world["main"].pk)]
    assert "Lu dans la table" in html_of(node)
