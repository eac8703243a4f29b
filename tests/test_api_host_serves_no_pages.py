"""The API host does not serve the website: every page path gets the same answer, whether a
live, draft, private, password-protected or missing page lies behind it (no status oracle), and
no old path is redirected to a hidden page's path (issue 11, item 8; issue 13, item 6)."""

import json

import pytest
from wagtail.contrib.redirects.models import Redirect

from tests.security_tree import HIDDEN_MARKERS, build_leak_tree

FRONTEND = "https://www.kiosque.example"


@pytest.fixture
def tree(db):
    tree = build_leak_tree(with_image=False)
    Redirect.objects.create(old_path="/vers-prive", redirect_page=tree.pages["private"])
    Redirect.objects.create(old_path="/vers-mot-de-passe", redirect_page=tree.pages["password"])
    return tree


def _paths(tree):
    paths = [page.url_path for page in tree.pages.values()]
    paths += [tree.public.url_path, tree.section.url_path, "/", "/nulle-part/"]
    # Site-relative paths, as readers would type them.
    root = tree.home.url_path
    return ["/" + path[len(root) :] if path.startswith(root) else path for path in paths] + [
        "/ancienne-adresse/",
        "/vers-prive/",
        "/vers-mot-de-passe/",
    ]


def _fingerprint(response):
    return response.status_code, response.get("Content-Type"), response.content


def test_every_page_path_answers_the_same_json_404_without_a_frontend(client, tree, settings):
    settings.KIOSQUE_FRONTEND_URL = None
    answers = {path: client.get(path) for path in _paths(tree)}
    first = next(iter(answers.values()))
    assert first.status_code == 404
    body = json.loads(first.content)
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    for path, response in answers.items():
        assert _fingerprint(response) == _fingerprint(first), path
        assert "Location" not in response


def test_every_page_path_redirects_to_the_same_path_on_the_frontend(client, tree, settings):
    settings.KIOSQUE_FRONTEND_URL = FRONTEND
    for path in _paths(tree):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == FRONTEND + path, path


def test_old_paths_never_lead_to_a_hidden_page(client, tree, settings):
    settings.KIOSQUE_FRONTEND_URL = FRONTEND
    for old in ("/ancienne-adresse", "/vers-prive", "/vers-mot-de-passe"):
        response = client.get(old, follow=False)
        location = response.get("Location", "")
        assert not any(marker in location for marker in HIDDEN_MARKERS), (old, location)
        assert location in {"", FRONTEND + old, old + "/"}, (old, location)


def test_no_password_form_and_no_password_guessing(client, tree):
    protected = tree.pages["password"]
    restriction = protected.get_view_restrictions().first()
    url = f"/_util/authenticate_with_password/{restriction.pk}/{protected.pk}/"
    for _ in range(3):
        response = client.post(url, {"password": "devine", "return_url": "/"})
        assert response.status_code in {404, 405}
        assert b"password" not in response.content.lower()
    assert client.get(url).status_code in {302, 404}


def test_frontend_redirect_cannot_point_at_another_host(client, db, settings):
    settings.KIOSQUE_FRONTEND_URL = FRONTEND
    for path in ("//evil.example/x/", "/%2F%2Fevil.example/x/", "/\\evil.example/x/"):
        location = client.get(path).get("Location", "")
        assert not location or location.startswith(FRONTEND + "/"), (path, location)


def test_page_urls_are_still_built_for_the_api_and_the_admin(tree):
    # The route keeps Wagtail's name, so the GraphQL `url` and "Voir la page publiée" work.
    assert tree.public.get_url() == "/monde/article-public/"
