"""French full-text search: one test set, run on SQLite (Python backend) and PostgreSQL (both the
native full-text backend and the Python one), so the two give the same results."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone
from wagtail.models import PageViewRestriction

from search import services
from search.selectors import search_articles
from tests.factories import (
    AuthorFactory,
    TopicFactory,
    dated,
    make_article,
    make_section,
    make_site,
    paragraph,
)
from tests.shared_data import rolled_back

SEARCH = """
query ($q: String!, $section: String, $topic: String, $first: Int, $after: String) {
  search(query: $q, section: $section, topic: $topic, first: $first, after: $after) {
    totalCount
    edges { cursor score excerpt promoted node { slug title } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def article(section, title, **kwargs):
    return make_article(section, title, **kwargs)


def _backends():
    # Locally, SQLite has only the Python backend; PostgreSQL runs its own and the Python one.
    return ["native", "python"] if connection.vendor == "postgresql" else ["native"]


def _build():
    home = make_site()
    monde = make_section(home, "Monde", slug="monde")
    eco = make_section(home, "Économie", slug="economie", menu_order=2)
    hidden = make_section(home, "Archives", slug="archives", live=False)
    sahel = TopicFactory(name="Sahel", slug="sahel")
    coop_topic = TopicFactory(name="Coopération internationale", slug="cooperation-int")
    author = AuthorFactory(name="Aminata Diallo", slug="aminata-diallo")
    a = {}
    a["title"] = article(
        monde,
        "La coopération sécuritaire au Sahel se renforce",
        slug="titre",
        standfirst="Les ministres de la défense se réunissent à Niamey.",
        body=[paragraph("<p>Une réunion longue et technique, selon les délégations.</p>")],
        topics=[sahel],
        published_at=dated(1),
    )
    a["standfirst"] = make_article(
        eco,
        "Réunion à Bamako",
        slug="chapo",
        standfirst="Les ministres parlent de coopération économique.",
        body=[paragraph("<p>Les échanges portent sur les tarifs douaniers.</p>")],
        published_at=dated(2),
    )
    a["body"] = make_article(
        monde,
        "Sommet régional à Dakar",
        slug="corps",
        standfirst="Un rendez-vous diplomatique très attendu.",
        body=[
            paragraph("<p>Les délégations ont évoqué la coopération entre les armées.</p>"),
            paragraph("<p>Le mot &lt;b&gt;frontière&lt;/b&gt; revient souvent &amp; partout.</p>"),
        ],
        published_at=dated(3),
    )
    a["topic"] = article(
        eco,
        "Chronique culturelle",
        slug="sujet",
        standfirst="Un festival de musique à Ségou.",
        body=[paragraph("<p>Des concerts jusqu'à l'aube.</p>")],
        topics=[coop_topic],
        authors=[author],
        published_at=dated(4),
    )
    a["other"] = make_article(
        monde,
        "Le marché des changes",
        slug="changes",
        standfirst="Les devises fluctuent.",
        body=[paragraph("<p>Le franc CFA reste stable face à l'euro.</p>")],
        published_at=dated(5),
    )
    # Never public: a draft, a private article, an article in an unpublished section, and the
    # unpublished draft revision of a live article.
    make_article(monde, "Coopération secrète au Sahel", slug="brouillon", live=False)
    private = make_article(monde, "Coopération confidentielle", slug="prive")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    make_article(hidden, "Coopération archivée au Sahel", slug="archive")
    live = make_article(monde, "Bulletin météo", slug="meteo", standfirst="Grand soleil.")
    live.title = "Bulletin clandestin"
    live.save_revision()
    return a


@pytest.fixture(scope="class", params=_backends())
def newsroom(request, django_db_setup, django_db_blocker):
    backend = "auto" if request.param == "native" else request.param
    with (
        rolled_back(django_db_blocker),
        override_settings(KIOSQUE={**settings.KIOSQUE, "SEARCH_BACKEND": backend}),
    ):
        yield _build()


def slugs(gql, q, **variables):
    data = gql.data(SEARCH, {"q": q, **variables})["search"]
    return [edge["node"]["slug"] for edge in data["edges"]]


@pytest.mark.django_db
@pytest.mark.usefixtures("newsroom")
class TestFrenchSearch:
    def test_two_words_must_both_match(self, gql):
        assert slugs(gql, "coopération sécuritaire") == ["titre"]

    def test_accents_case_and_plurals_are_ignored(self, gql):
        expected = {"titre", "chapo", "corps", "sujet"}
        assert set(slugs(gql, "cooperation")) == expected
        assert set(slugs(gql, "COOPÉRATIONS")) == expected
        assert set(slugs(gql, "Coopérer")) == expected

    def test_a_topic_name_matches(self, gql):
        assert slugs(gql, "Sahel") == ["titre"]

    def test_an_author_name_matches(self, gql):
        assert slugs(gql, "aminata diallo") == ["sujet"]

    def test_verb_and_noun_forms_match(self, gql):
        assert set(slugs(gql, "ministre")) == {"titre", "chapo"}
        assert set(slugs(gql, "ministres")) == {"titre", "chapo"}
        assert slugs(gql, "réunissent") == ["titre"]

    def test_stop_words_are_ignored(self, gql):
        assert slugs(gql, "les ministres de la défense") == ["titre"]
        assert slugs(gql, "la coopération à Dakar") == ["corps"]
        data = gql.data(SEARCH, {"q": "le la les de à"})["search"]
        assert data == {
            "totalCount": 0,
            "edges": [],
            "pageInfo": {"hasNextPage": False, "endCursor": None},
        }

    def test_title_outranks_standfirst_body_then_topics(self, gql):
        assert slugs(gql, "coopération") == ["titre", "chapo", "corps", "sujet"]
        data = gql.data(SEARCH, {"q": "coopération"})["search"]
        scores = [edge["score"] for edge in data["edges"]]
        assert scores == sorted(scores, reverse=True)
        assert scores[-1] > 0

    def test_excerpt_marks_matches_and_escapes_the_rest(self, gql):
        data = gql.data(SEARCH, {"q": "frontière coopération"})["search"]
        (edge,) = data["edges"]
        assert "<mark>coopération</mark>" in edge["excerpt"]
        assert "<mark>frontière</mark>" in edge["excerpt"]
        assert "&lt;b&gt;" in edge["excerpt"]
        assert "&amp;" in edge["excerpt"]
        assert "<b>" not in edge["excerpt"]

    def test_drafts_private_and_hidden_sections_never_appear(self, gql):
        for q in ("secrète", "confidentielle", "archivée", "clandestin"):
            assert slugs(gql, q) == [], q
        assert "meteo" in slugs(gql, "météo")
        found = slugs(gql, "coopération sahel")
        assert found == ["titre"]

    def test_filters_by_section_and_topic(self, gql):
        assert set(slugs(gql, "coopération", section="economie")) == {"chapo", "sujet"}
        assert slugs(gql, "coopération", topic="sahel") == ["titre"]
        assert slugs(gql, "coopération", section="archives") == []

    def test_pages_follow_each_other_without_overlap(self, gql):
        first = gql.data(SEARCH, {"q": "coopération", "first": 3})["search"]
        assert first["totalCount"] == 4
        assert first["pageInfo"]["hasNextPage"] is True
        after = first["pageInfo"]["endCursor"]
        rest = gql.data(SEARCH, {"q": "coopération", "first": 3, "after": after})["search"]
        assert rest["pageInfo"]["hasNextPage"] is False
        seen = [e["node"]["slug"] for e in first["edges"] + rest["edges"]]
        assert seen == ["titre", "chapo", "corps", "sujet"]

    def test_selector_reports_the_same_as_the_api(self, gql):
        from wagtail.models import Site

        root = Site.objects.get(is_default_site=True).root_page.path
        results = search_articles(root_path=root, query="Coopérations")
        assert results.total_count == 4
        assert [hit.article.slug for hit in results.hits(0, 10)] == [
            "titre",
            "chapo",
            "corps",
            "sujet",
        ]


@pytest.mark.django_db
def test_recent_articles_get_a_mild_boost(gql):
    home = make_site()
    monde = make_section(home, "Monde", slug="monde")
    now = timezone.now()
    year_ago = now - timedelta(days=365)
    make_article(monde, "Crue du Niger", slug="ancien", published_at=year_ago)
    make_article(monde, "Crue du Niger", slug="recent", published_at=now)
    make_article(
        monde,
        "Saison des pluies",
        slug="corps-recent",
        body=[paragraph("<p>La crue est attendue.</p>")],
        published_at=now,
    )
    data = gql.data(SEARCH, {"q": "crue"})["search"]
    order = [edge["node"]["slug"] for edge in data["edges"]]
    scores = [edge["score"] for edge in data["edges"]]
    # Same text: the fresh one scores higher; a body match stays below an old title match.
    assert order == ["recent", "ancien", "corps-recent"]
    assert scores[0] > scores[1] > scores[2]


@pytest.mark.django_db
def test_rebuild_command_indexes_live_articles_only(gql):
    from django.core.management import call_command

    from search.models import ArticleSearchDocument

    home = make_site()
    monde = make_section(home, "Monde", slug="monde")
    live = make_article(monde, "Coopération fluviale", slug="fleuve")
    make_article(monde, "Coopération minière", slug="mine", live=False)
    ArticleSearchDocument.objects.all().delete()
    assert slugs(gql, "coopération") == []
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(ArticleSearchDocument.objects.values_list("article_id", flat=True)) == [live.pk]
    assert slugs(gql, "coopération") == ["fleuve"]
    assert services.rebuild_index() == 1
