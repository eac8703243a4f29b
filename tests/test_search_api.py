"""Search behaviour around the French linguistics: editors' picks, popular-query recording,
freshness after publishing changes, hostile input, and query counts."""

import json

import pytest
from django.conf import settings
from django.test.utils import override_settings
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import PageViewRestriction

from home.models import HomePage
from news.models import ArticlePage, SectionPage
from search.backends import get_backend
from tests.factories import dated, make_article, make_section, make_site, paragraph
from tests.shared_data import rolled_back

SEARCH = """
query ($q: String!, $section: String, $first: Int, $after: String) {
  search(query: $q, section: $section, first: $first, after: $after) {
    totalCount
    totalCountIsExact
    edges { cursor score excerpt promoted node { slug } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


@pytest.fixture(scope="module")
def _site(django_db_setup, django_db_blocker):
    # Built once for the module (tests/shared_data.py); each test adds its articles in its own
    # savepoint, to pages read afresh (a shared in-memory page would carry one test's child
    # count into the next).
    with rolled_back(django_db_blocker):
        home = make_site()
        monde = make_section(home, "Monde", slug="monde")
        eco = make_section(home, "Économie", slug="economie", menu_order=2)
        yield home.pk, monde.pk, eco.pk


@pytest.fixture
def site(db, _site):
    home, monde, eco = _site
    return (
        HomePage.objects.get(pk=home),
        SectionPage.objects.get(pk=monde),
        SectionPage.objects.get(pk=eco),
    )


def search(gql, q, **variables):
    return gql.data(SEARCH, {"q": q, **variables})["search"]


def slugs(gql, q, **variables):
    return [edge["node"]["slug"] for edge in search(gql, q, **variables)["edges"]]


def promote(query_string, *pages):
    query = Query.get(query_string)
    for order, page in enumerate(pages):
        SearchPromotion.objects.create(query=query, page=page, sort_order=order)


def error_code(payload):
    assert payload.get("data") is None or payload["data"].get("search") is None
    return payload["errors"][0]["extensions"]["code"]


@pytest.mark.django_db
class TestEditorsPicks:
    def test_picks_come_first_in_editor_order_then_relevance(self, gql, site):
        _, monde, _ = site
        make_article(monde, "Sécheresse au Sahel", slug="match", published_at=dated(1))
        pick_a = make_article(monde, "Dossier pluies", slug="pick-a", published_at=dated(2))
        pick_b = make_article(monde, "Le Sahel en cartes", slug="pick-b", published_at=dated(3))
        promote("sahel", pick_a, pick_b)
        data = search(gql, "  SAHEL ")
        assert [e["node"]["slug"] for e in data["edges"]] == ["pick-a", "pick-b", "match"]
        assert [e["promoted"] for e in data["edges"]] == [True, True, False]
        assert data["totalCount"] == 3
        # A pick that also matches keeps its relevance score; one that does not scores 0.
        assert data["edges"][0]["score"] == 0
        assert data["edges"][1]["score"] > 0
        assert data["edges"][2]["score"] > 0

    def test_picks_are_not_repeated_in_the_organic_results(self, gql, site):
        _, monde, _ = site
        a = make_article(monde, "Sahel : la saison sèche", slug="a")
        make_article(monde, "Sahel : les récoltes", slug="b")
        promote("sahel", a)
        assert slugs(gql, "sahel", first=1) == ["a"]
        data = search(gql, "sahel", first=1)
        rest = search(gql, "sahel", first=5, after=data["pageInfo"]["endCursor"])
        assert [e["node"]["slug"] for e in rest["edges"]] == ["b"]

    def test_draft_private_and_filtered_out_picks_are_dropped(self, gql, site):
        _, monde, eco = site
        draft = make_article(monde, "Brouillon", slug="brouillon", live=False)
        private = make_article(monde, "Réservé", slug="prive")
        PageViewRestriction.objects.create(
            page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
        )
        other_section = make_article(eco, "Bourse", slug="bourse")
        make_article(monde, "Pluies au Sahel", slug="organic")
        promote("sahel", draft, private, other_section)
        assert slugs(gql, "sahel", section="monde") == ["organic"]
        assert slugs(gql, "sahel") == ["bourse", "organic"]


@pytest.mark.django_db
class TestPopularQueries:
    def test_a_search_with_results_is_counted_once_per_first_page(self, gql, site):
        make_article(site[1], "Pluies au Sahel", slug="a")
        make_article(site[1], "Sahel et climat", slug="b")
        first = search(gql, "Sahel", first=1)
        search(gql, "sahel ", first=1, after=first["pageInfo"]["endCursor"])
        search(gql, "SAHEL")
        assert Query.objects.get(query_string="sahel").hits == 2

    def test_garbage_and_empty_result_queries_are_not_recorded(self, gql, site):
        make_article(site[1], "Pluies au Sahel", slug="a")
        for q in ("xqzkwv", "le la les", "😀 ✨", "& | ! : * ( )"):
            search(gql, q)
        for q in ("", "   ", "x" * 10_000):
            gql.query(SEARCH, {"q": q})
        assert Query.objects.count() == 0


@pytest.mark.django_db
class TestFreshness:
    def test_publish_unpublish_restrict_and_edit_show_on_the_next_query(self, gql, site):
        _, monde, _ = site
        article = make_article(monde, "Navigation sur le fleuve", slug="fleuve", live=False)
        assert slugs(gql, "fleuve") == []

        ArticlePage.objects.get(pk=article.pk).save_revision().publish()
        assert slugs(gql, "fleuve") == ["fleuve"]

        ArticlePage.objects.get(pk=article.pk).unpublish()
        assert slugs(gql, "fleuve") == []

        ArticlePage.objects.get(pk=article.pk).save_revision().publish()
        restriction = PageViewRestriction.objects.create(
            page=article, restriction_type=PageViewRestriction.LOGIN
        )
        assert slugs(gql, "fleuve") == []
        restriction.delete()
        assert slugs(gql, "fleuve") == ["fleuve"]

        page = ArticlePage.objects.get(pk=article.pk)
        page.title = "Pêche sur le lac"
        page.save_revision().publish()
        assert slugs(gql, "fleuve") == []
        assert slugs(gql, "pêches") == ["fleuve"]

    def test_unpublishing_a_section_hides_its_articles(self, gql, site):
        _, monde, _ = site
        make_article(monde, "Navigation sur le fleuve", slug="fleuve")
        monde.unpublish()
        assert slugs(gql, "fleuve") == []

    def test_renaming_a_topic_updates_its_articles(self, gql, site):
        from tests.factories import TopicFactory

        topic = TopicFactory(name="Pêche", slug="peche")
        article = make_article(site[1], "Un reportage", slug="reportage")
        article.set_topics([topic])
        article.save_revision().publish()
        assert slugs(gql, "pêche") == ["reportage"]
        topic.name = "Aquaculture"
        topic.save()
        assert slugs(gql, "pêche") == []
        assert slugs(gql, "aquaculture") == ["reportage"]


@pytest.mark.django_db
class TestBadInput:
    @pytest.mark.parametrize("q", ["", "   ", "\t\n", "x" * 201, "coopération " * 1000])
    def test_empty_or_too_long_is_a_bad_argument(self, gql, site, q):
        response = gql.post(SEARCH, {"q": q})
        assert response.status_code == 200
        assert error_code(response.json()) == "BAD_ARGUMENT"

    @pytest.mark.parametrize(
        "q",
        [
            "& | ! : * ( ) \" ' <-> \\",
            "coopération & | !sahel:* (",
            "'; DROP TABLE news_articlepage; --",
            "' OR 1=1 --",
            "%_%",
            "😀🇫🇷✨",
            "Москва 東京 القاهرة",
            "coopération\x07",
            "a" * 200,
        ],
    )
    def test_hostile_queries_give_results_or_nothing_never_an_error(self, gql, site, q):
        make_article(site[1], "Coopération au Sahel", slug="coop")
        data = search(gql, q)
        assert data["totalCount"] == len(data["edges"])
        assert set(slugs(gql, q)) <= {"coop"}
        assert ArticlePage.objects.filter(slug="coop").exists()

    def test_operators_are_plain_words(self, gql, site):
        make_article(site[1], "Coopération au Sahel", slug="coop")
        assert slugs(gql, "coopération & | !sahel:* (") == ["coop"]
        assert slugs(gql, "coopération\x07") == ["coop"]

    def test_nul_characters_are_a_bad_argument(self, gql, site):
        # The endpoint refuses NUL in any text argument (PostgreSQL cannot store or compare it).
        assert error_code(gql.query(SEARCH, {"q": "\x00coopération"})) == "BAD_ARGUMENT"

    def test_lone_surrogates_in_json_are_a_bad_argument(self, client, site):
        make_article(site[1], "Coopération au Sahel", slug="coop")
        body = '{"query": "query($q: String!){search(query: $q){totalCount}}", '
        body += '"variables": {"q": "coop\\ud800ération \\udfff sahel"}}'
        response = client.post("/graphql/", data=body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_ARGUMENT"

    @pytest.mark.parametrize("bad", ["\x00", "monde\x00", "\ud800", "m" * 300])
    def test_unusable_section_or_topic_is_a_bad_argument(self, client, site, bad):
        for name in ("section", "topic"):
            query = (
                f"query($q: String!, $f: String){{search(query: $q, {name}: $f){{totalCount}}}}"
            )
            body = json.dumps({"query": query, "variables": {"q": "sahel", "f": bad}})
            response = client.post("/graphql/", data=body, content_type="application/json")
            assert response.status_code in (200, 400)
            assert response.json()["errors"][0]["extensions"]["code"] == "BAD_ARGUMENT"

    def test_page_size_and_cursor_are_checked(self, gql, site):
        assert error_code(gql.query(SEARCH, {"q": "sahel", "first": 0})) == "BAD_ARGUMENT"
        assert error_code(gql.query(SEARCH, {"q": "sahel", "first": 101})) == "BAD_ARGUMENT"
        for cursor in ("nope", "W10", "WyJzZWFyY2giLCAtMV0", "WyJzZWFyY2giLCAxMDAwMDAwXQ"):
            payload = gql.query(SEARCH, {"q": "sahel", "after": cursor})
            assert error_code(payload) == "BAD_CURSOR", cursor

    def test_limits_come_from_settings(self, gql, site):
        kiosque = {**settings.KIOSQUE, "SEARCH_MAX_QUERY_LENGTH": 5}
        with override_settings(KIOSQUE=kiosque):
            assert error_code(gql.query(SEARCH, {"q": "sahel!"})) == "BAD_ARGUMENT"
            assert search(gql, "sahel")["totalCount"] == 0


@pytest.mark.django_db
def test_query_count_does_not_grow_with_results(gql, site, count_queries):
    _, monde, _ = site
    make_article(monde, "Sahel un", slug="s1", body=[paragraph("<p>Texte.</p>")])

    def run():
        return search(gql, "sahel", first=20)

    run()  # the first search also creates the popular-query rows
    few, _ = count_queries(run)
    for n in range(2, 8):
        make_article(monde, f"Sahel {n}", slug=f"s{n}")
    many, data = count_queries(run)
    assert len(data["edges"]) == 7
    assert many == few


@pytest.mark.django_db
def test_wagtail_backend_adapter_keeps_only_public_articles(gql, site):
    """The OpenSearch/Elasticsearch path, exercised through Wagtail's database backend (the
    external engines themselves cannot run here)."""
    _, monde, _ = site
    make_article(monde, "Sahel et pluies", slug="public")
    make_article(monde, "Sahel brouillon", slug="draft", live=False)
    private = make_article(monde, "Sahel privé", slug="private")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    with override_settings(KIOSQUE={**settings.KIOSQUE, "SEARCH_BACKEND": "wagtail"}):
        assert get_backend().name == "wagtail"
        data = search(gql, "sahel")
    assert [e["node"]["slug"] for e in data["edges"]] == ["public"]
    assert data["totalCount"] == 1


def test_the_schema_publishes_search_and_not_grapple_search():
    from grapple.schema import schema

    sdl = str(schema)
    assert (
        "search(query: String!, section: String, topic: String, first: Int = 20, after: String, "
        "locale: String): SearchConnection!"
    ) in sdl
    # grapple's own search field (no live/public filter) stays out of the schema.
    assert "searchQuery:" not in sdl


@pytest.mark.django_db
def test_broad_queries_rank_their_most_recent_matches(gql, site):
    _, monde, _ = site
    make_article(monde, "Sahel : un titre ancien", slug="old", published_at=dated(1))
    make_article(monde, "Pluies", slug="mid", standfirst="Au Sahel.", published_at=dated(2))
    make_article(monde, "Récoltes", slug="new", standfirst="Au Sahel.", published_at=dated(3))
    with override_settings(KIOSQUE={**settings.KIOSQUE, "SEARCH_RANK_WINDOW": 2}):
        data = search(gql, "sahel")
    # The old title match is outside the window of the two newest matches; the total counts
    # the results listed, and says there are more matches.
    assert [e["node"]["slug"] for e in data["edges"]] == ["new", "mid"]
    assert data["totalCount"] == 2
    assert data["totalCountIsExact"] is False
    assert slugs(gql, "sahel")[0] == "old"


@pytest.mark.django_db
def test_an_explicit_null_page_size_means_the_default(gql, site):
    make_article(site[1], "Coopération au Sahel", slug="coop")
    data = gql.data('{ search(query: "sahel", first: null) { totalCount } }')
    assert data["search"]["totalCount"] == 1


@pytest.mark.django_db
def test_search_reads_the_requested_edition(gql, site):
    make_article(site[1], "Coopération au Sahel", slug="coop")
    assert gql.data('{ search(query: "sahel", locale: "fr") { totalCount } }')["search"] == {
        "totalCount": 1
    }
    payload = gql.query('{ search(query: "sahel", locale: "xx") { totalCount } }')
    assert payload["errors"][0]["extensions"]["code"] == "BAD_ARGUMENT"
