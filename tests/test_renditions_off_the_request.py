"""Hole: one anonymous listing asking srcSet with every allowed width made hundreds of renditions
on the request path (issue 11.5).

Renditions are made when an image is saved or a page published (inline after commit by default,
by `run_worker` in worker mode); a reader's request only reads what exists and falls back to the
nearest rendition made, or to the original file.
"""

import io
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images.models import Filter, Image, Rendition

from cms import renditions
from cms.graphql.types import allowed_widths, rendition_specs
from tests.factories import make_article, make_image, make_section, make_site
from tests.processes import clean_env, run_python

pytestmark = pytest.mark.django_db

CARD = "url width height srcSet(sizes: $sizes)"
LISTING = (
    "query($sizes: [Int!], $first: Int) { articles(first: $first) { edges { node { "
    f"leadImage {{ {CARD} }} body {{ ... on BodyImageBlock {{ image {{ {CARD} }} }} }} "
    "} } } }"
)


@pytest.fixture
def no_image_work(monkeypatch):
    """Any resize or rendition write during the block under test fails it."""

    def refuse(*args, **kwargs):
        raise AssertionError("image work on a reader's request")

    monkeypatch.setattr(Filter, "run", refuse)
    monkeypatch.setattr(Image, "create_rendition", refuse)
    monkeypatch.setattr(Image, "create_renditions", refuse)
    monkeypatch.setattr(Image, "generate_rendition_file", refuse)


def image_block(image):
    return ("image", {"image": image, "caption": "Légende", "credit": "AFP", "alt": ""})


@pytest.fixture
def newsroom(db):
    home = make_site()
    section = make_section(home, "Monde", slug="monde")
    articles = []
    for n in range(6):
        lead = make_image(f"Une {n}")
        body = make_image(f"Corps {n}", width=1200, height=800)
        articles.append(
            make_article(
                section,
                f"Article {n}",
                slug=f"article-{n}",
                lead_image=lead,
                body=[image_block(body)],
            )
        )
    return articles


def listing(client, sizes=None, first=6):
    body = json.dumps({"query": LISTING, "variables": {"sizes": sizes, "first": first}})
    payload = client.post("/graphql/", body, content_type="application/json").json()
    assert "errors" not in payload, payload
    return [edge["node"] for edge in payload["data"]["articles"]["edges"]]


def images_of(nodes):
    for node in nodes:
        yield node["leadImage"]
        for block in node["body"]:
            if block.get("image"):
                yield block["image"]


def srcset_entries(value):
    return [
        (part.rsplit(" ", 1)[0], int(part.rsplit(" ", 1)[1][:-1])) for part in value.split(", ")
    ]


def file_behind(url, settings) -> Path:
    path = urlsplit(url).path
    assert path.startswith(settings.MEDIA_URL), url
    return Path(settings.MEDIA_ROOT) / path.removeprefix(settings.MEDIA_URL)


def test_a_cold_listing_with_every_width_makes_no_rendition(
    client, newsroom, no_image_work, settings
):
    Rendition.objects.all().delete()
    nodes = listing(client, sizes=allowed_widths())
    assert Rendition.objects.count() == 0
    images = list(images_of(nodes))
    assert len(images) == 12
    for image in images:
        # The original file stands in for every width: listed once, with its real width.
        ((url, width),) = srcset_entries(image["srcSet"])
        assert image["url"] == url and image["width"] == width in (1600, 1200)
        assert file_behind(url, settings).is_file()


def test_a_missing_width_falls_back_to_the_nearest_rendition_made(client, newsroom, no_image_work):
    Rendition.objects.all().delete()
    image = newsroom[0].lead_image
    for spec in ("width-480", "width-960"):
        Rendition.objects.create(image=image, filter_spec=spec, file=f"images/fake-{spec}.jpg",
                                 width=int(spec[6:]), height=1, focal_point_key="")  # fmt: skip
    lead = listing(client, sizes=[320, 480, 640, 1280], first=6)[-1]["leadImage"]
    widths = [width for _, width in srcset_entries(lead["srcSet"])]
    # 320 -> 480 (smallest made that is wide enough), 480, 640 -> 960, 1280 -> the original.
    assert widths == [480, 960, 1600]
    assert Rendition.objects.count() == 2


def test_saving_an_image_makes_every_allowed_rendition(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        image = make_image("Nouvelle")
    made = set(image.renditions.values_list("filter_spec", flat=True))
    assert made == set(rendition_specs())


def test_publishing_a_page_makes_the_renditions_of_its_images(
    newsroom, django_capture_on_commit_callbacks
):
    article = newsroom[0]
    body_image = article.body[0].value["image"]
    Rendition.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    for image in (article.lead_image, body_image):
        made = set(image.renditions.values_list("filter_spec", flat=True))
        assert made == set(rendition_specs()), image
    # Images of other pages are not touched by this publish.
    assert not newsroom[1].lead_image.renditions.exists()


def test_after_publishing_readers_get_the_exact_renditions(
    client, newsroom, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for article in newsroom:
            article.save_revision().publish()
    made = Rendition.objects.count()
    node = listing(client, sizes=[320, 640])[0]
    entries = srcset_entries(node["leadImage"]["srcSet"])
    assert [width for _, width in entries] == [320, 640]
    assert all("width-" in url for url, _ in entries)
    assert Rendition.objects.count() == made


def test_worker_mode_leaves_renditions_to_run_worker(settings, django_capture_on_commit_callbacks):
    settings.KIOSQUE = {**settings.KIOSQUE, "RENDITIONS": "worker"}
    with django_capture_on_commit_callbacks(execute=True):
        image = make_image("Pour le worker")
    assert not image.renditions.exists()
    assert image in renditions.images_missing_renditions()
    call_command("run_worker", once=True, schedule_every=0, stdout=io.StringIO())
    assert set(image.renditions.values_list("filter_spec", flat=True)) == set(rendition_specs())
    assert image not in renditions.images_missing_renditions()


def test_an_unreadable_image_is_reported_then_skipped_by_later_passes():
    image = make_image("Cassée")
    Path(image.file.path).unlink()
    assert renditions.generate_missing(skip=[]) == (0, [image.pk])
    assert renditions.generate_missing(skip=[image.pk]) == (0, [])


def test_cold_and_warm_listings_use_the_same_sql(
    client, newsroom, django_capture_on_commit_callbacks
):
    def count():
        body = json.dumps({"query": LISTING, "variables": {"sizes": allowed_widths(), "first": 6}})
        with CaptureQueriesContext(connection) as ctx:
            client.post("/graphql/", body, content_type="application/json")
        return len(ctx.captured_queries)

    Rendition.objects.all().delete()
    cold = count()
    for image in Image.objects.all():
        renditions.generate_renditions(image)
    assert Rendition.objects.count() == 12 * len(rendition_specs())
    assert count() == cold


def test_an_unknown_renditions_mode_stops_the_settings_from_loading():
    done = run_python(
        "-c", "import cms.settings.test", env=clean_env(KIOSQUE_RENDITIONS="sometimes")
    )
    assert done.returncode != 0
    assert "ImproperlyConfigured: KIOSQUE_RENDITIONS must be 'inline' or 'worker'" in done.stderr
