"""Without Redis, separate processes agree on what is fresh: two real servers on one SQLite
database; a change made through one of them, through a shell or through the task worker's
scheduled publishing is seen through the other on its very next request."""

import os
import re
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests

from tests.processes import free_port, run_python, servers_on

# A process layout: CI runs it on the PostgreSQL + Redis leg only (tests/ci_legs.py).
pytestmark = pytest.mark.postgres_leg

ROOT = Path(__file__).resolve().parent.parent
LISTING = "{ articles(first: 20) { edges { node { id title } } } }"

SETUP = """
from django.contrib.auth import get_user_model
from tests.factories import dated, make_article, make_section, make_site
section = make_section(make_site(), "Monde", slug="monde")
make_article(section, "Premier", slug="premier", published_at=dated(1))
get_user_model().objects.create_superuser("chef", "chef@example.fr", "mot-de-passe-test")
"""
PUBLISH = """
from news.models import SectionPage
from tests.factories import dated, make_article
make_article(SectionPage.objects.get(slug="monde"), "Depuis un shell", published_at=dated(2))
"""
SCHEDULE = """
from datetime import timedelta
from django.utils import timezone
from news.models import SectionPage
from tests.factories import dated, make_article
article = make_article(SectionPage.objects.get(slug="monde"), "Programmé", live=False,
                       published_at=dated(3))
article.go_live_at = timezone.now() + timedelta(seconds=2)
article.save_revision().publish()
"""


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("two-processes")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "REDIS_URL": "",
        "KIOSQUE_CACHE_GENERATION_STORE": "database",
    }

    def manage(*args):
        done = run_python("manage.py", *args, env=env, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    manage("migrate", "--noinput")
    manage("shell", "-c", SETUP)
    ports = [free_port(), free_port()]
    runserver = ["manage.py", "runserver", "--noreload", "--skip-checks"]
    with servers_on(ports, lambda port: [*runserver, f"127.0.0.1:{port}"], env) as (a, b):
        yield {"manage": manage, "a": a, "b": b}


def titles(base):
    response = requests.get(f"{base}/graphql/?" + urlencode({"query": LISTING}), timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"].startswith("public")
    return {e["node"]["title"] for e in response.json()["data"]["articles"]["edges"]}


def cached_titles(base):
    """Asked twice, so that the second answer is the reading process's cached one."""
    titles(base)
    return titles(base)


def article_id(base, title):
    response = requests.get(f"{base}/graphql/?" + urlencode({"query": LISTING}), timeout=30)
    for edge in response.json()["data"]["articles"]["edges"]:
        if edge["node"]["title"] == title:
            return int(edge["node"]["id"])
    raise AssertionError(f"{title} not listed")


def test_a_publish_from_a_shell_is_seen_by_a_server_at_once(servers):
    assert "Depuis un shell" not in cached_titles(servers["b"])
    servers["manage"]("shell", "-c", PUBLISH)
    assert "Depuis un shell" in titles(servers["b"])


def test_scheduled_publishing_by_the_worker_is_seen_by_a_server_at_once(servers):
    servers["manage"]("shell", "-c", SCHEDULE)
    assert "Programmé" not in cached_titles(servers["b"])
    time.sleep(2.5)
    servers["manage"]("run_worker", "--once")
    assert "Programmé" in titles(servers["b"])


def test_an_unpublish_in_one_server_is_seen_by_the_other_at_once(servers):
    a, b = servers["a"], servers["b"]
    page_id = article_id(b, "Premier")
    assert "Premier" in cached_titles(b)
    assert "Premier" in cached_titles(a)

    editor = requests.Session()
    login = editor.get(f"{a}/admin/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    editor.post(
        f"{a}/admin/login/",
        data={"username": "chef", "password": "mot-de-passe-test", "csrfmiddlewaretoken": token},
        timeout=30,
    )
    form = editor.get(f"{a}/admin/pages/{page_id}/unpublish/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    done = editor.post(
        f"{a}/admin/pages/{page_id}/unpublish/",
        data={"csrfmiddlewaretoken": token},
        timeout=30,
    )
    assert done.status_code == 200, done.status_code  # redirected to the explorer
    assert "Premier" not in titles(b)
    assert "Premier" not in titles(a)
