"""Bulk writers (create_random_data, the WordPress import) leave stored renders consistent:
every live article has a current one, equal to the fresh computation."""

import io

import pytest
from django.core.management import call_command

from news import renders
from news.models import ArticlePage, ArticleRender
from tests.render_helpers import LISTING, article_query, get
from tests.test_wordpress_import import kinds, media, newsroom, run  # noqa: F401 - fixtures


def assert_consistent(client):
    live = set(ArticlePage.objects.live().values_list("pk", flat=True))
    current = ArticleRender.objects.filter(version=renders.render_version())
    assert live and live <= set(current.values_list("pk", flat=True))
    for query in [LISTING, *(article_query(pk) for pk in sorted(live)[:5])]:
        assert get(client, query) == get(client, query, renders="off"), query


@pytest.mark.django_db
def test_create_random_data_leaves_renders_consistent(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_random_data", articles=12, images=2, seed=3, stdout=io.StringIO())
    assert_consistent(client)


@pytest.mark.django_db
def test_rebuild_renders_is_idempotent_and_catches_up(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        call_command("create_random_data", articles=6, images=1, seed=4, stdout=io.StringIO())
    assert not ArticleRender.objects.exists()  # nothing committed yet: nothing built
    out = io.StringIO()
    call_command("rebuild_renders", "--missing", stdout=out)
    assert "6 renders built" in out.getvalue()
    assert_consistent(client)
    out = io.StringIO()
    call_command("rebuild_renders", "--missing", stdout=out)
    assert "0 renders built" in out.getvalue()
    call_command("rebuild_renders", stdout=io.StringIO())
    assert_consistent(client)


@pytest.mark.usefixtures("newsroom")
def test_the_wordpress_import_leaves_renders_consistent(
    client, request, tmp_path, django_capture_on_commit_callbacks
):
    folder, topic_kinds = request.getfixturevalue("media"), request.getfixturevalue("kinds")
    with django_capture_on_commit_callbacks(execute=True):
        run(media=str(folder), topic_kinds=str(topic_kinds), report_dir=tmp_path)
    assert_consistent(client)
