"""The article form's topic picker at newsroom scale (issue 13, item 3): search as you type with
the kind shown, a missing topic created from the form, a form whose size and query count do not
grow with the number of topics, and endpoints that answer for topics only."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from news import roles
from news.models import Topic
from tests.factories import make_article, make_section, make_site


@pytest.fixture
def newsroom(db):
    home = make_site()
    section = make_section(home, "Monde", slug="monde")
    article = make_article(section, "Un article", slug="un-article")
    roles.ensure_roles()
    writer = get_user_model().objects.create_user("plume-sujets", "", "motdepasse-de-test")
    writer.groups.add(Group.objects.get(name=roles.WRITERS))
    Topic.objects.create(name="Emmanuel Macron", slug="emmanuel-macron", kind=Topic.Kind.PERSON)
    Topic.objects.create(name="Marseille", slug="marseille", kind=Topic.Kind.PLACE)
    return {"section": section, "article": article, "writer": writer}


def test_search_as_you_type_shows_the_kind(client, newsroom):
    client.force_login(newsroom["writer"])
    response = client.post("/admin/autocomplete/search/", {"type": "news.Topic", "query": "macr"})
    assert response.status_code == 200
    assert [item["title"] for item in response.json()["items"]] == ["Emmanuel Macron (Personne)"]


def test_a_missing_topic_is_created_from_the_form_with_its_kind(client, newsroom):
    client.force_login(newsroom["writer"])
    response = client.post(
        "/admin/autocomplete/create/", {"type": "news.Topic", "value": "Île de Sein (Lieu)"}
    )
    assert response.status_code == 200
    topic = Topic.objects.get(pk=response.json()["pk"])
    assert (topic.name, topic.slug, topic.kind) == ("Île de Sein", "ile-de-sein", "place")
    # Typed again: the same topic, not a duplicate.
    again = client.post(
        "/admin/autocomplete/create/", {"type": "news.Topic", "value": "île de sein (lieu)"}
    )
    assert again.json()["pk"] == topic.pk
    plain = client.post("/admin/autocomplete/create/", {"type": "news.Topic", "value": "Marée"})
    assert Topic.objects.get(pk=plain.json()["pk"]).kind == Topic.Kind.THEME


def test_the_endpoints_answer_for_topics_only(client, newsroom):
    client.force_login(newsroom["writer"])
    for model in ("auth.User", "newsletter.Subscriber", "wagtailcore.Page", ""):
        response = client.post("/admin/autocomplete/search/", {"type": model, "query": "a"})
        assert response.status_code == 400, model
        response = client.get("/admin/autocomplete/objects/", {"type": model, "pks": "1"})
        assert response.status_code == 400, model
        response = client.post("/admin/autocomplete/create/", {"type": model, "value": "x"})
        assert response.status_code == 400, model


def test_readers_cannot_use_the_picker(client, newsroom):
    response = client.post("/admin/autocomplete/search/", {"type": "news.Topic", "query": "m"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_results_are_capped(client, newsroom):
    Topic.objects.bulk_create(
        Topic(name=f"Thème {n}", slug=f"theme-{n}", kind=Topic.Kind.THEME) for n in range(80)
    )
    client.force_login(newsroom["writer"])
    response = client.post(
        "/admin/autocomplete/search/", {"type": "news.Topic", "query": "thème", "limit": "5000"}
    )
    assert len(response.json()["items"]) == 50


def test_a_malformed_picker_value_is_a_form_error_not_a_500(client, newsroom):
    user = get_user_model().objects.create_superuser("chef-sujets", "", "motdepasse-de-test")
    client.force_login(user)
    article = newsroom["article"]
    form = _article_form(article)
    for bad in ("pas du json", "[1, 2", '[{"x": 1}, 3]', "[" * 5000):
        response = client.post(f"/admin/pages/{article.pk}/edit/", {**form, "topics": bad})
        assert response.status_code == 200, bad
    # What the picker sends with nothing chosen.
    response = client.post(f"/admin/pages/{article.pk}/edit/", {**form, "topics": "null"})
    assert response.status_code == 302
    topics = Topic.objects.filter(slug__in=["emmanuel-macron", "marseille"])
    value = json.dumps([{"pk": topic.pk, "title": str(topic)} for topic in topics])
    response = client.post(f"/admin/pages/{article.pk}/edit/", {**form, "topics": value})
    assert response.status_code == 302
    assert _draft_topics(article) == ["emmanuel-macron", "marseille"]


def _article_form(article) -> dict:
    form = {"title": article.title, "slug": article.slug, "standfirst": "Chapô."}
    form["body-count"] = "0"
    for prefix in ("article_authors", "related_links", "comments"):
        for name in ("TOTAL", "INITIAL", "MIN_NUM"):
            form[f"{prefix}-{name}_FORMS"] = "0"
        form[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    return form


def _draft_topics(article) -> list[str]:
    article.refresh_from_db()
    revision = article.get_latest_revision_as_object()
    return [link.topic.slug for link in revision.article_topics.all()]


def _picked(*slugs) -> str:
    topics = Topic.objects.in_bulk(slugs, field_name="slug")
    return json.dumps([{"pk": topics[s].pk, "title": str(topics[s])} for s in slugs])


def test_the_order_set_in_the_picker_is_the_order_the_api_gives(client, gql, newsroom):
    Topic.objects.create(name="Climat", slug="climat", kind=Topic.Kind.THEME)
    client.force_login(get_user_model().objects.create_superuser("chef-ordre", "", "mdp-ordre"))
    article = newsroom["article"]
    edit = f"/admin/pages/{article.pk}/edit/"
    query = '{ article(slug: "un-article") { topics { slug } } }'
    for order in (["marseille", "climat", "emmanuel-macron"], ["climat", "marseille"]):
        form = {**_article_form(article), "topics": _picked(*order), "action-publish": "1"}
        assert client.post(edit, form).status_code == 302
        assert [t["slug"] for t in gql.data(query)["article"]["topics"]] == order
        # The form shows them again in that order.
        page = client.get(edit).content.decode()
        positions = [page.index(f"{Topic.objects.get(slug=s).name} (") for s in order]
        assert positions == sorted(positions)


def test_a_draft_keeps_its_own_topic_order_until_published(client, gql, newsroom):
    client.force_login(get_user_model().objects.create_superuser("chef-brouillon", "", "mdp-b"))
    article = newsroom["article"]
    query = '{ article(slug: "un-article") { topics { slug } } }'
    edit = f"/admin/pages/{article.pk}/edit/"
    form = {**_article_form(article), "topics": _picked("marseille", "emmanuel-macron")}
    assert client.post(edit, {**form, "action-publish": "1"}).status_code == 302
    form["topics"] = _picked("emmanuel-macron", "marseille")
    assert client.post(edit, form).status_code == 302  # a draft of the live article
    assert [t["slug"] for t in gql.data(query)["article"]["topics"]] == [
        "marseille",
        "emmanuel-macron",
    ]
    assert _draft_topics(article) == ["emmanuel-macron", "marseille"]
    article.refresh_from_db()
    article.get_latest_revision().publish()
    assert [t["slug"] for t in gql.data(query)["article"]["topics"]] == [
        "emmanuel-macron",
        "marseille",
    ]


def _edit_form(client, article) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/admin/pages/{article.pk}/edit/")
    assert response.status_code == 200
    return len(response.content), len(queries)


def test_the_article_form_does_not_grow_with_5000_topics(client, newsroom):
    article = newsroom["article"]
    article.topics.set(Topic.objects.all())
    client.force_login(get_user_model().objects.create_superuser("chef-5000", "", "mdp-de-test"))
    _edit_form(client, article)  # warm per-process caches
    small_size, small_queries = _edit_form(client, article)
    Topic.objects.bulk_create(
        Topic(name=f"Sujet {n:04d}", slug=f"sujet-{n:04d}", kind=Topic.Kind.THEME)
        for n in range(5000)
    )
    large_size, large_queries = _edit_form(client, article)
    assert large_queries == small_queries
    # Only the chosen topics are in the page, not the 5,000 others.
    assert abs(large_size - small_size) < 2000, (small_size, large_size)
