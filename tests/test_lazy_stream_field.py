"""Article bodies are decoded when something reads them, and behave as Wagtail's StreamField."""

import copy
import pickle

import pytest
from django.db import connection
from wagtail.blocks import StreamValue
from wagtail.fields import StreamField

from news.fields import LazyStreamField
from news.models import ArticlePage
from tests.factories import make_article, make_section, make_site, paragraph

BODY = [
    paragraph("<p>Premier paragraphe.</p>"),
    ("heading", {"text": "Un intertitre", "level": "h2"}),
    ("pull_quote", {"text": "Une phrase.", "attribution": "Une source", "attribution_role": ""}),
]


def _undecoded(value) -> bool:
    return "_text" in value.__dict__


@pytest.mark.django_db
def test_a_listing_read_leaves_bodies_undecoded_until_one_is_read():
    section = make_section(make_site())
    make_article(section, "Un", body=BODY)
    make_article(section, "Deux", body=BODY)
    articles = list(ArticlePage.objects.order_by("pk"))
    assert all(_undecoded(a.body) for a in articles)
    assert [block.block_type for block in articles[0].body] == [
        "paragraph",
        "heading",
        "pull_quote",
    ]
    assert not _undecoded(articles[0].body)
    assert _undecoded(articles[1].body)


@pytest.mark.django_db
def test_a_lazy_body_reads_as_wagtails_own_field_reads_it():
    article = make_article(make_section(make_site()), "Un", body=BODY)
    lazy = ArticlePage.objects.get(pk=article.pk).body
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM news_articlepage WHERE page_ptr_id = %s", [article.pk])
        text = cursor.fetchone()[0]
    field = ArticlePage._meta.get_field("body")
    plain = StreamField(field.stream_block).to_python(text)
    assert isinstance(lazy, StreamValue)
    assert len(lazy) == len(plain) == 3
    assert list(lazy.raw_data) == list(plain.raw_data)
    assert lazy[2].value["attribution"] == "Une source"
    assert lazy.get_prep_value() == plain.get_prep_value()


@pytest.mark.django_db
def test_saving_an_article_whose_body_was_never_read_keeps_the_body():
    article = make_article(make_section(make_site()), "Un", body=BODY)
    before = ArticlePage.objects.get(pk=article.pk).body.get_prep_value()
    unread = ArticlePage.objects.get(pk=article.pk)
    unread.title = "Un, corrigé"
    unread.save()
    after = ArticlePage.objects.get(pk=article.pk)
    assert after.title == "Un, corrigé"
    assert after.body.get_prep_value() == before


@pytest.mark.django_db
def test_an_unread_body_copies_and_pickles_whole():
    article = make_article(make_section(make_site()), "Un", body=BODY)
    expected = ArticlePage.objects.get(pk=article.pk).body.get_prep_value()
    assert copy.deepcopy(ArticlePage.objects.get(pk=article.pk).body).get_prep_value() == expected
    # Our own bytes, made on the line above (the response cache pickles page objects too).
    unpickled = pickle.loads(pickle.dumps(ArticlePage.objects.get(pk=article.pk).body))  # noqa: S301
    assert unpickled.get_prep_value() == expected


def test_text_that_is_not_json_keeps_wagtails_raw_text():
    field = LazyStreamField(ArticlePage._meta.get_field("body").stream_block)
    col = ArticlePage._meta.get_field("body").get_col("news_articlepage")
    value = field.from_db_value("pas du JSON", col, connection)
    assert len(value) == 0
    assert value.raw_text == "pas du JSON"


def test_migrations_see_wagtails_field():
    _name, path, _args, _kwargs = ArticlePage._meta.get_field("body").deconstruct()
    assert path == "wagtail.fields.StreamField"
