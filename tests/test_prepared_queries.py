"""Querysets compiled once per shape (cms.prepared) answer exactly what the ORM answers, and
fall back to the ORM when a value would change the SQL text."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, Site

from cms import keyset, prepared, sites
from cms.prepared import DATETIME, INT, TEXT, Many, PreparedQuery
from cms.sites import find_for_request
from home import schema as home_schema
from news import loading, visibility
from news.loading import loader_for
from news.models import ArticlePage
from tests.factories import feature, make_article, make_section, make_site


class _CountingBuild:
    """A build function that counts how often it is asked for a queryset."""

    def __init__(self, build):
        self.build = build
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.build(*args, **kwargs)


def _by_slug(*, slug):
    return ArticlePage.objects.filter(slug=slug).order_by("pk")


@pytest.mark.django_db
def test_a_shape_is_compiled_once_and_then_only_bound():
    home = make_site()
    section = make_section(home)
    one = make_article(section, "Un", slug="un")
    two = make_article(section, "Deux", slug="deux")
    build = _CountingBuild(_by_slug)
    query = PreparedQuery(build, slug=TEXT)
    assert query.fetch(slug="un") == [one]
    compiled = build.calls  # the two marker rounds
    assert compiled == 2
    assert query.fetch(slug="deux") == [two]
    assert query.fetch(slug="trois") == []
    assert build.calls == compiled


@pytest.mark.django_db
def test_a_value_used_inside_a_pattern_is_not_prepared_and_still_answers():
    home = make_site()
    section = make_section(home)
    article = make_article(section, "Un", slug="un-article")
    build = _CountingBuild(lambda *, start: ArticlePage.objects.filter(slug__startswith=start))
    query = PreparedQuery(build, start=TEXT)
    assert query.fetch(start="un-") == [article]
    assert query.fetch(start="zz") == []
    # The marker reached the SQL as "marker%": every call builds its queryset again.
    assert build.calls == 2 + 2


@pytest.mark.django_db
def test_a_value_the_build_ignores_is_not_prepared():
    home = make_site()
    make_article(make_section(home), "Un", slug="un")
    build = _CountingBuild(lambda *, slug: ArticlePage.objects.filter(slug="un"))
    query = PreparedQuery(build, slug=TEXT)
    assert len(query.fetch(slug="autre")) == 1
    assert len(query.fetch(slug="autre")) == 1
    assert build.calls == 2 + 2


@pytest.mark.django_db
def test_a_list_of_values_binds_each_one_and_its_length_is_part_of_the_shape():
    home = make_site()
    section = make_section(home)
    articles = [make_article(section, f"Article {n}", slug=f"article-{n}") for n in range(3)]
    query = PreparedQuery(
        lambda *, pks: ArticlePage.objects.filter(pk__in=pks).order_by("pk"), pks=Many(INT)
    )
    pks = [a.pk for a in articles]
    assert query.fetch(pks=pks[:2]) == articles[:2]
    assert query.fetch(pks=pks[1:]) == articles[1:]
    assert query.fetch(pks=[pks[2]]) == [articles[2]]
    assert query.fetch(pks=[pks[0], 10**9]) == [articles[0]]


@pytest.mark.django_db
def test_an_empty_shape_answers_nothing_without_a_query():
    query = PreparedQuery(lambda *, slug: ArticlePage.objects.none().filter(slug=slug), slug=TEXT)
    with CaptureQueriesContext(connection) as queries:
        assert query.fetch(slug="un") == []
        assert query.fetch(slug="deux") == []
    assert len(queries) == 0


@pytest.mark.django_db
def test_values_lists_and_select_related_come_back_as_the_orm_gives_them():
    home = make_site()
    section = make_section(home)
    article = make_article(section, "Un", slug="un")
    flat = PreparedQuery(
        lambda *, slug: ArticlePage.objects.filter(slug=slug).values_list("title", flat=True),
        slug=TEXT,
    )
    assert flat.fetch(slug="un") == ["Un"]
    assert flat.fetch(slug="un") == ["Un"]
    related = PreparedQuery(
        lambda *, pk: ArticlePage.objects.select_related("locale").filter(pk=pk), pk=INT
    )
    related.fetch(pk=article.pk)
    (found,) = related.fetch(pk=article.pk)
    with CaptureQueriesContext(connection) as queries:
        assert found.locale.pk == article.locale_id
    assert len(queries) == 0


@pytest.mark.django_db
def test_the_time_is_bound_per_call_so_schedules_apply_at_each_read():
    home = make_site()
    section = make_section(home)
    article = make_article(section, "Bientôt périmé", slug="bientot")
    expiry = timezone.now() + timedelta(hours=1)
    ArticlePage.objects.filter(pk=article.pk).update(expire_at=expiry)

    def build(root_path, *, now, slug):
        return visibility.published_articles(root_path=root_path, now=now).filter(slug=slug)

    query = PreparedQuery(build, now=DATETIME, slug=TEXT)
    before, after = expiry - timedelta(minutes=1), expiry + timedelta(minutes=1)
    assert [a.pk for a in query.fetch(home.path, now=before, slug="bientot")] == [article.pk]
    assert query.fetch(home.path, now=after, slug="bientot") == []
    # The same answers as the queryset built for that time.
    assert list(build(home.path, now=after, slug="bientot")) == []


@pytest.mark.django_db
def test_switched_off_every_call_builds_its_queryset(settings):
    settings.KIOSQUE = {**settings.KIOSQUE, "PREPARED_QUERIES": False}
    home = make_site()
    make_article(make_section(home), "Un", slug="un")
    build = _CountingBuild(_by_slug)
    query = PreparedQuery(build, slug=TEXT)
    assert len(query.fetch(slug="un")) == 1
    assert len(query.fetch(slug="un")) == 1
    assert build.calls == 2
    assert not prepared.enabled()


@pytest.mark.django_db
def test_shapes_are_bounded(monkeypatch):
    monkeypatch.setattr(prepared, "MAX_SHAPES", 3)
    query = PreparedQuery(
        lambda limit, *, slug: ArticlePage.objects.filter(slug=slug)[:limit], slug=TEXT
    )
    for limit in range(1, 8):
        assert query.fetch(limit, slug="absent") == []
    assert len(query._shapes) == 3


# --- The public reads that use them ---------------------------------------------------------


def _info(rf, host="localhost"):
    return SimpleNamespace(context=rf.get("/graphql/", HTTP_HOST=host))


@pytest.mark.django_db
def test_public_lookups_match_the_orm_for_each_field_and_visibility(rf):
    home = make_site()
    section = make_section(home)
    hidden_section = make_section(home, "Coulisses", slug="coulisses", menu_order=2)
    shown = make_article(section, "Publié", slug="publie")
    draft = make_article(section, "Brouillon", slug="brouillon", live=False)
    behind = make_article(hidden_section, "Derrière", slug="derriere")
    hidden_section.unpublish()
    expired = make_article(section, "Expiré", slug="expire")
    ArticlePage.objects.filter(pk=expired.pk).update(
        expire_at=timezone.now() - timedelta(minutes=5)
    )
    for article in (shown, draft, behind, expired):
        for field, value in (
            ("pk", article.pk),
            ("slug", article.slug),
            ("url_path", article.url_path),
        ):
            loader = loader_for(_info(rf))
            expected = loader.articles_query().filter(**{field: value}).first()
            assert loader.public_article(field, value) == expected, (article.title, field)
    assert loader_for(_info(rf)).public_article("slug", "publie") == shown
    assert loader_for(_info(rf)).public_article("slug", "derriere") is None


@pytest.mark.django_db
def test_a_listing_page_and_the_page_after_match_the_orm(rf):
    home = make_site()
    sections = [make_section(home, f"R{n}", slug=f"r{n}", menu_order=n) for n in range(2)]
    for n in range(7):
        make_article(sections[n % 2], f"Article {n}", slug=f"article-{n}")
    loader = loader_for(_info(rf))
    first = loader.listing_page(first=3)
    assert first == list(loader.articles_query(listing=True)[:3])
    last = first[-1]
    after = loader.listing_page(first=3, position=(last.published_at, last.pk))
    expected = loader.articles_query(listing=True).filter(
        keyset.before(("published_at", "pk"), (last.published_at, last.pk))
    )[:3]
    assert after == list(expected)
    assert set(first).isdisjoint(after)
    in_section = loader.listing_page(first=10, section="r1")
    assert in_section == list(loader.articles_query(listing=True, section="r1")[:10])
    assert loader.listing_page(first=10, section="absente") == []


# --- The site a request is for ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "host", ["localhost", "localhost:8000", "example.org", "example.org:8080", "inconnu.net"]
)
def test_the_site_lookup_picks_the_site_wagtail_picks(rf, host):
    home = make_site()
    other = Page.get_first_root_node().add_child(
        instance=type(home)(title="Autre", slug="autre-site", tagline="")
    )
    Site.objects.create(hostname="example.org", port=80, root_page=other)
    Site.objects.create(hostname="example.org", port=8080, root_page=home)
    ours = find_for_request(rf.get("/", HTTP_HOST=host))
    wagtails = Site.find_for_request(rf.get("/", HTTP_HOST=host))
    assert ours == wagtails
    assert ours is not None


@pytest.mark.django_db
def test_without_a_default_site_an_unknown_host_has_no_site(rf):
    make_site()
    Site.objects.update(is_default_site=False)
    assert find_for_request(rf.get("/", HTTP_HOST="inconnu.net")) is None
    assert find_for_request(None) is None


@pytest.mark.django_db
def test_a_forwarded_port_that_is_not_a_number_gets_the_default_site(rf, settings):
    settings.USE_X_FORWARDED_PORT = True
    make_site()
    request = rf.get("/", HTTP_HOST="localhost", HTTP_X_FORWARDED_PORT="quatre-vingt")
    site = find_for_request(request)
    assert site is not None and site.is_default_site


@pytest.mark.django_db
def test_the_site_is_read_once_per_request(rf):
    make_site()
    request = rf.get("/", HTTP_HOST="localhost")
    site = find_for_request(request)
    with CaptureQueriesContext(connection) as queries:
        assert find_for_request(request) is site
        assert Site.find_for_request(request) is site
    assert len(queries) == 0


@pytest.mark.django_db
def test_every_public_read_is_prepared_on_this_database(gql):
    """A shape that stopped preparing (a Django upgrade, a new filter) would still answer, only
    slower: this fails instead, on SQLite and on PostgreSQL."""
    home = make_site()
    section = make_section(home)
    target = make_article(section, "Cible", slug="cible")
    article = make_article(
        section, "Avec lien", slug="avec-lien", body=[("related", {"page": target, "label": ""})]
    )
    feature(home, article, target)
    reads = {
        "site": sites._CANDIDATES,
        "restrictions": loading._RESTRICTED,
        "root sections": loading._ROOT_SECTION_ROWS,
        "article by path": loading._ARTICLE_BY["url_path"],
        "article by slug": loading._ARTICLE_BY["slug"],
        "inline targets": loading._TARGETS,
        "sections": loading._SECTIONS_AT,
        "listing": loading._LISTING,
        "listing after": loading._LISTING_AFTER,
        "articles by id": loading._BY_IDS,
        "home": home_schema._LIVE_HOME,
    }
    for query in reads.values():
        query._shapes.clear()
    path = "/monde/avec-lien/"
    data = gql.data(
        """query($p: String) {
          a: article(urlPath: $p) { section { slug } body { ... on InlineRelatedBlock {
            article { title } } } }
          b: article(slug: "cible") { title }
          home { featuredArticles { title } }
          articles(first: 1) { pageInfo { endCursor } edges { node { title } } } }""",
        {"p": path},
    )
    assert data["a"]["section"]["slug"] == "monde"
    assert data["a"]["body"][0]["article"]["title"] == "Cible"
    assert [a["title"] for a in data["home"]["featuredArticles"]] == ["Avec lien", "Cible"]
    cursor = data["articles"]["pageInfo"]["endCursor"]
    after = gql.data(
        "query($c: String) { articles(first: 1, after: $c) { edges { node { title } } } }",
        {"c": cursor},
    )
    assert len(after["articles"]["edges"]) == 1
    for name, query in reads.items():
        kinds = {type(shape).__name__ for shape in query._shapes.values()}
        assert kinds == {"_Shape"}, (name, kinds)
