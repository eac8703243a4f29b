"""`redirects`: paginated, filterable by change time, scoped to the site, no hidden targets."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, PageViewRestriction, Site

from delivery.models import RedirectStamp
from home.models import HomePage
from tests.factories import make_article, make_section, make_site

QUERY = """query($first: Int, $after: String, $since: DateTime) {
  redirects(first: $first, after: $after, updatedSince: $since) {
    edges { cursor node { id oldPath target isPermanent updatedAt } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def fetch(gql, **variables):
    return gql.data(QUERY, variables)["redirects"]


def all_redirects(gql, first=2, **variables):
    nodes, after = [], None
    while True:
        page = fetch(gql, first=first, after=after, **variables)
        nodes += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


@pytest.fixture
def site(db):
    home = make_site()
    return home, make_section(home, "Monde")


@pytest.mark.django_db
def test_pages_cover_every_redirect_once_in_change_order(gql, site):
    made = [Redirect.objects.create(old_path=f"/vieux-{n}", redirect_link=f"https://example.org/{n}")
            for n in range(5)]  # fmt: skip
    nodes = all_redirects(gql, first=2)
    assert [n["oldPath"] for n in nodes] == [r.old_path for r in made]
    assert nodes[0]["target"] == "https://example.org/0"
    # An edit moves the redirect to the end of the stream.
    made[0].redirect_link = "https://example.org/nouveau"
    made[0].save()
    assert all_redirects(gql, first=3)[-1]["oldPath"] == "/vieux-0"


@pytest.mark.django_db
def test_updated_since_returns_only_later_changes(gql, site):
    old = Redirect.objects.create(old_path="/ancien", redirect_link="https://example.org/a")
    RedirectStamp.objects.filter(redirect=old).update(
        updated_at=timezone.now() - timedelta(days=3)
    )
    Redirect.objects.create(old_path="/recent", redirect_link="https://example.org/b")
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert [n["oldPath"] for n in all_redirects(gql, since=since)] == ["/recent"]


@pytest.mark.django_db
def test_other_sites_redirects_are_not_listed(gql, site):
    home, _ = site
    other_home = HomePage(title="Autre", slug="autre")
    Page.get_first_root_node().add_child(instance=other_home)
    other = Site.objects.create(hostname="autre.example.org", root_page=other_home)
    Redirect.objects.create(old_path="/partout", redirect_link="https://example.org/")
    Redirect.objects.create(old_path="/ailleurs", redirect_link="https://example.org/", site=other)
    Redirect.objects.create(
        old_path="/ici",
        redirect_link="https://example.org/",
        site=Site.objects.get(is_default_site=True),
    )
    assert sorted(n["oldPath"] for n in all_redirects(gql)) == ["/ici", "/partout"]


@pytest.mark.django_db
def test_draft_and_private_targets_are_never_revealed(gql, site):
    home, monde = site
    public = make_article(monde, "Public", slug="public")
    draft = make_article(monde, "Brouillon", slug="brouillon-secret", live=False)
    private = make_article(monde, "Privé", slug="prive")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    expired = make_article(monde, "Expiré", slug="expire")
    Page.objects.filter(pk=expired.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    for page in (public, draft, private, expired):
        Redirect.objects.create(old_path=f"/vers-{page.slug}", redirect_page=page)
    nodes = all_redirects(gql)
    assert [(n["oldPath"], n["target"]) for n in nodes] == [("/vers-public", "/monde/public/")]
    assert "brouillon-secret" not in str(nodes)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "variables,code",
    [({"after": "pas-un-curseur"}, "BAD_CURSOR"), ({"first": 1000}, "BAD_ARGUMENT"),
     ({"since": "2026-03-01T10:00:00"}, "BAD_ARGUMENT"),
     # Dates that exist only in their own time zone: year 1 before UTC, year 9999 after it.
     ({"since": "0001-01-01T00:00:00+05:00"}, "BAD_ARGUMENT"),
     ({"since": "9999-12-31T23:00:00-05:00"}, "BAD_ARGUMENT"),
     ({"after": "WyIwMDAxLTAxLTAxVDAwOjAwOjAwKzA1OjAwIiwgNV0"}, "BAD_CURSOR"),
     ({"after": "WyI5OTk5LTEyLTMxVDIzOjAwOjAwLTA1OjAwIiwgNV0"}, "BAD_CURSOR")],
)  # fmt: skip
def test_bad_arguments_are_client_errors(gql, site, variables, code):
    payload = gql.query(QUERY, variables)
    assert payload["errors"][0]["extensions"]["code"] == code


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_page(gql, site, count_queries):
    home, monde = site
    article = make_article(monde, "Cible")
    for n in range(30):
        Redirect.objects.create(old_path=f"/r-{n}", redirect_page=article)
    fetch(gql, first=1)  # warm Wagtail's site-root cache
    small, _ = count_queries(lambda: fetch(gql, first=3))
    large, result = count_queries(lambda: fetch(gql, first=30))
    assert len(result["edges"]) == 30
    assert large == small
