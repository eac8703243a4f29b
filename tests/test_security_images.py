"""Hole 7: clients cannot make the server write renditions of their choosing."""

import pytest
from wagtail.images.models import Rendition

from cms import renditions
from cms.graphql.types import rendition_specs
from tests.factories import make_article, make_image, make_section, make_site

QUERY = 'query($sizes: [Int!]) { article(slug: "photo") { leadImage { srcSet(sizes: $sizes) } } }'


@pytest.fixture
def article(db):
    home = make_site()
    section = make_section(home, "Monde", slug="monde")
    image = make_image("Photo")
    # What saving the image does after its commit (tests run inside a transaction).
    renditions.generate_renditions(image)
    return make_article(section, "Photo", slug="photo", lead_image=image)


def codes(payload):
    return [error["extensions"]["code"] for error in payload["errors"]]


@pytest.mark.parametrize(
    "field",
    [
        "rendition(width: 4000) { url }",
        'rendition(filter: "fill-4000x4000") { url }',
        "renditionList(sizes: [4000]) { renditionList { url } }",
        'srcSet(sizes: [320], format: "png")',
        "file",
        "fileHash",
    ],
)
def test_arbitrary_renditions_and_file_fields_are_not_queryable(gql, article, field):
    before = Rendition.objects.count()
    payload = gql.query(f'{{ article(slug: "photo") {{ leadImage {{ {field} }} }} }}')
    assert codes(payload) == ["GRAPHQL_VALIDATION_FAILED"]
    assert Rendition.objects.count() == before


@pytest.mark.parametrize("sizes", [[4000], [320, 4000], [1], [-320]])
def test_srcset_refuses_sizes_outside_the_allow_list(gql, article, sizes, settings):
    before = Rendition.objects.count()
    payload = gql.query(QUERY, {"sizes": sizes})
    assert codes(payload) == ["BAD_ARGUMENT"]
    assert payload["errors"][0]["message"] == (
        f"srcSet sizes must be among {settings.KIOSQUE['IMAGE_WIDTHS']}; "
        f"got {[s for s in sizes if s not in settings.KIOSQUE['IMAGE_WIDTHS']]}."
    )
    assert Rendition.objects.count() == before


def test_repeated_sizes_collapse(gql, article):
    before = Rendition.objects.count()
    data = gql.data(QUERY, {"sizes": [320] * 7 + [640] * 7})
    srcset = data["article"]["leadImage"]["srcSet"]
    assert len(srcset.split(", ")) == 2 and srcset.count(" 320w") == 1
    assert Rendition.objects.count() == before


def test_only_allow_listed_renditions_are_ever_written(gql, article):
    data = gql.data(
        '{ article(slug: "photo") { leadImage { url width height srcSet } socialImage { url } } }'
    )
    srcset = data["article"]["leadImage"]["srcSet"]
    assert srcset.count("w,") == 6 and srcset.endswith("w")
    gql.data(QUERY, {"sizes": [320, 640]})
    written = set(Rendition.objects.values_list("filter_spec", flat=True))
    assert written and written <= set(rendition_specs())
