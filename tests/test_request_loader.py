"""One loader object per request carries what the request has read, and nothing else does."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.graphql.context import loader_of
from cms.graphql.interfaces import page_path
from news.loading import ArticleLoader, loader_for
from tests.factories import make_article, make_section, make_site


def _info(rf):
    return SimpleNamespace(context=rf.get("/graphql/", HTTP_HOST="localhost"))


def test_a_request_has_one_loader_and_another_request_gets_its_own(rf):
    info = _info(rf)
    loader = loader_for(info)
    assert isinstance(loader, ArticleLoader)
    assert loader_for(info) is loader
    assert loader_of(info.context) is loader
    assert loader_for(_info(rf)) is not loader


def test_without_a_request_each_call_gets_a_fresh_loader():
    info = SimpleNamespace(context=None)
    assert loader_for(info) is not loader_for(info)


@pytest.mark.django_db
def test_site_root_and_restrictions_are_read_once_per_request(rf):
    home = make_site()
    section = make_section(home)
    article = make_article(section, "Un article")
    info = _info(rf)
    loader = loader_for(info)
    assert loader.edition_root()[0] == home.path
    loader.private_paths  # noqa: B018
    with CaptureQueriesContext(connection) as queries:
        assert loader.edition_root()[0] == home.path
        assert loader.private_paths == []
        # Page URLs under the site root come from the root the loader read.
        assert page_path(article, info) == "/monde/" + article.slug + "/"
    assert len(queries) == 0
