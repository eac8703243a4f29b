"""Headless previews: client URLs per site and locale, expiring tokens, drafts only by token."""

import time
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.signing import TimestampSigner
from django.test import RequestFactory
from django.utils import timezone
from wagtail.models import Locale

from tests.factories import make_article, make_section, make_site

ARTICLE = """query($token: String) {
  article(token: $token) { id title standfirst section { slug } }
}"""
PREVIEW = """query($token: String!) {
  preview(token: $token) { id title pageType ... on SectionPage { description } }
}"""


@pytest.fixture
def tree(db):
    home = make_site()
    monde = make_section(home, "Monde")
    return home, monde


def open_preview(page, **changes):
    """What the admin's Preview button does: serve_preview on the edited (unsaved) page."""
    page = page.specific
    for name, value in changes.items():
        setattr(page, name, value)
    request = RequestFactory().get("/", HTTP_HOST="localhost")
    response = page.serve_preview(request, "")
    url = response.context_data["preview_url"] if hasattr(response, "context_data") else None
    if url is None:
        url = response.content.decode().split('src="')[1].split('"')[0].replace("&amp;", "&")
    return url, parse_qs(urlparse(url).query)["token"][0]


@pytest.mark.django_db
def test_an_article_preview_shows_the_draft_and_only_by_token(gql, tree, settings):
    home, monde = tree
    article = make_article(monde, "Titre publié", standfirst="Chapô publié")
    url, token = open_preview(article, title="Titre en cours", standfirst="Chapô brouillon")
    assert url.startswith(settings.WAGTAIL_HEADLESS_PREVIEW["CLIENT_URLS"]["default"])
    data = gql.data(ARTICLE, {"token": token})["article"]
    assert data == {"id": str(article.pk), "title": "Titre en cours",
                    "standfirst": "Chapô brouillon", "section": {"slug": "monde"}}  # fmt: skip
    # The public API still shows the published version.
    public = gql.data("query($s: String) { article(slug: $s) { title } }", {"s": article.slug})
    assert public["article"]["title"] == "Titre publié"


@pytest.mark.django_db
def test_a_never_published_draft_is_previewable(gql, tree):
    home, monde = tree
    draft = make_article(monde, "Brouillon", live=False)
    _, token = open_preview(draft, title="Brouillon relu")
    assert gql.data(ARTICLE, {"token": token})["article"]["title"] == "Brouillon relu"


@pytest.mark.django_db
def test_sections_and_the_home_page_preview_through_the_generic_field(gql, tree):
    home, monde = tree
    _, token = open_preview(monde, description="Nouvelle description")
    data = gql.data(PREVIEW, {"token": token})["preview"]
    assert data["pageType"] == "news.SectionPage"
    assert data["description"] == "Nouvelle description"
    _, token = open_preview(home, title="Accueil remanié")
    assert gql.data(PREVIEW, {"token": token})["preview"]["title"] == "Accueil remanié"
    # A section's token does not open an article.
    payload = gql.query(ARTICLE, {"token": open_preview(monde)[1]})
    assert payload["errors"][0]["extensions"]["code"] == "BAD_PREVIEW_TOKEN"


@pytest.mark.django_db
def test_a_token_for_one_page_never_returns_another(gql, tree):
    home, monde = tree
    a = make_article(monde, "Article A")
    b = make_article(monde, "Article B")
    _, token_a = open_preview(a, title="Brouillon A")
    _, token_b = open_preview(b, title="Brouillon B")
    assert gql.data(ARTICLE, {"token": token_a})["article"]["id"] == str(a.pk)
    assert gql.data(ARTICLE, {"token": token_b})["article"]["id"] == str(b.pk)
    # A validly signed token naming page B, pointed at page A's stored draft, is refused.
    from wagtail_headless_preview.models import PagePreview

    forged = TimestampSigner(salt="headlesspreview.token").sign(f"id={b.pk}")
    PagePreview.objects.filter(token__in=[forged, token_b]).delete()
    PagePreview.objects.filter(token=token_a).update(token=forged)
    payload = gql.query(ARTICLE, {"token": forged})
    assert payload["errors"][0]["extensions"]["code"] == "BAD_PREVIEW_TOKEN"
    # Token plus another selector is ambiguous.
    payload = gql.query('{ article(token: "x", slug: "y") { id } }')
    assert payload["errors"][0]["extensions"]["code"] == "BAD_ARGUMENT"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-2] + "xx", lambda t: "id=1:abc:def", lambda t: ""]
)
def test_a_tampered_token_is_a_clear_error(gql, tree, mangle):
    home, monde = tree
    _, token = open_preview(make_article(monde, "Article"))
    payload = gql.query(ARTICLE, {"token": mangle(token)})
    assert payload["errors"][0]["extensions"]["code"] == "BAD_PREVIEW_TOKEN"
    assert payload["data"]["article"] is None


@pytest.mark.django_db
def test_tokens_expire(gql, tree, settings, monkeypatch):
    settings.KIOSQUE_PREVIEW_TOKEN_MAX_AGE = 3600
    home, monde = tree
    _, token = open_preview(make_article(monde, "Article"))
    later = time.time() + 3601
    monkeypatch.setattr(time, "time", lambda: later)
    payload = gql.query(ARTICLE, {"token": token})
    assert payload["errors"][0]["extensions"]["code"] == "PREVIEW_EXPIRED"


@pytest.mark.django_db
def test_client_urls_follow_site_and_locale(tree, settings):
    home, monde = tree
    settings.WAGTAIL_HEADLESS_PREVIEW = {
        "CLIENT_URLS": {
            "default": "https://front.example.org/preview",
            "localhost:en": "https://en.front.example.org/preview?lang={LOCALE}",
        },
        "ENFORCE_TRAILING_SLASH": False,
    }
    article = make_article(monde, "Article")
    url, _ = open_preview(article)
    assert url.startswith("https://front.example.org/preview?")
    english = article.copy_for_translation(Locale.objects.get(language_code="en"),
                                           copy_parents=True)  # fmt: skip
    url, _ = open_preview(english)
    assert url.startswith("https://en.front.example.org/preview?lang=en")


@pytest.mark.django_db
def test_an_english_draft_previews_inside_the_english_edition(gql, tree):
    home, monde = tree
    en = Locale.objects.get(language_code="en")
    for page in (home, monde):
        page.copy_for_translation(en).save_revision().publish()
    english = make_article(monde, "Article").copy_for_translation(en)
    _, token = open_preview(english, title="English draft")
    data = gql.data(ARTICLE, {"token": token})["article"]
    assert data["title"] == "English draft"
    assert data["section"] == {"slug": "monde"}  # the English copy of the section
    assert english.locale_id == en.pk


CLUSTER = """query($token: String!) {
  preview(token: $token) {
    id
    title
    ... on ArticlePage {
      publishedAt
      authors { name }
      topics { slug }
      relatedLinks { title url page { ... on ArticlePage { title } } }
    }
  }
}"""


@pytest.mark.django_db
def test_a_new_article_never_saved_previews_with_its_links_authors_and_topics(gql, tree):
    """The admin previews a page before its first save: the preview holds unsaved inline rows."""
    from news.models import ArticleAuthor, ArticlePage, RelatedLink
    from tests.factories import AuthorFactory, TopicFactory

    home, monde = tree
    earlier = make_article(monde, "Un article plus ancien")
    author = AuthorFactory(name="Léa Roux")
    topic = TopicFactory(name="Climat", slug="climat")
    # As the admin's "preview on create" view builds it: a tree position, no primary key.
    draft = ArticlePage(title="Nouvel article", standfirst="Un chapô.")
    draft.depth = monde.depth + 1
    draft.path = draft._get_path(monde.path, draft.depth, monde.numchild + 1)
    draft.related_links = [
        RelatedLink(target_page=earlier, title=""),
        RelatedLink(url="https://example.org/dossier", title="Le dossier"),
    ]
    draft.article_authors = [ArticleAuthor(author=author)]
    draft.set_topics([topic])
    draft.full_clean()
    assert draft.pk is None
    _, token = open_preview(draft)
    data = gql.data(CLUSTER, {"token": token})["preview"]
    # No primary key yet: the documented placeholder id; the date it would get if published now.
    assert data.pop("id") == "0"
    assert data.pop("publishedAt").startswith(str(timezone.now().year))
    assert data == {
        "title": "Nouvel article",
        "authors": [{"name": "Léa Roux"}],
        "topics": [{"slug": "climat"}],
        "relatedLinks": [
            {"title": "Un article plus ancien", "url": f"/monde/{earlier.slug}/",
             "page": {"title": "Un article plus ancien"}},
            {"title": "Le dossier", "url": "https://example.org/dossier", "page": None},
        ],
    }  # fmt: skip


@pytest.mark.django_db
def test_a_preview_shows_the_drafts_links_not_the_published_ones(gql, tree):
    from news.models import RelatedLink

    home, monde = tree
    a = make_article(monde, "Premier")
    b = make_article(monde, "Second")
    article = make_article(monde, "Article", related=[a])
    article = article.specific
    article.related_links = [RelatedLink(target_page=b, title="")]
    _, token = open_preview(article)
    links = gql.data(CLUSTER, {"token": token})["preview"]["relatedLinks"]
    assert [link["title"] for link in links] == ["Second"]


@pytest.mark.django_db
def test_a_scheduled_drafts_preview_shows_its_go_live_date(gql, tree):
    from datetime import datetime, timedelta

    home, monde = tree
    draft = make_article(monde, "Sous embargo", live=False)
    embargo = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    _, token = open_preview(draft, go_live_at=embargo)
    date = gql.data(CLUSTER, {"token": token})["preview"]["publishedAt"]
    assert datetime.fromisoformat(date) == embargo


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["article", "preview"])
def test_previews_over_get_are_never_cached(client, tree, field):
    """A draft must stay behind its token: a cached copy would outlive the token (deleted or
    expired) and reach whoever sends the same URL."""
    from wagtail_headless_preview.models import PagePreview

    home, monde = tree
    _, token = open_preview(make_article(monde, "Publié"), title="Brouillon secret")
    query = f'{{ {field}(token: "{token}") {{ title }} }}'
    first = client.get("/graphql/", {"query": query})
    assert first.json()["data"][field]["title"] == "Brouillon secret"
    assert first["Cache-Control"] == "no-store"
    PagePreview.objects.filter(token=token).delete()
    again = client.get("/graphql/", {"query": query}).json()
    assert again["data"][field] is None
    assert again["errors"][0]["extensions"]["code"] == "BAD_PREVIEW_TOKEN"
