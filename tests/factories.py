"""Builders for the page tree and snippets, shared by every test module."""

import io
from datetime import UTC, datetime, timedelta

import factory
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from home.models import FeaturedArticle, HomePage
from news.models import ArticleAuthor, ArticlePage, Author, RelatedLink, SectionPage, Topic

BASE_DATE = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Autrice {n}")
    slug = factory.Sequence(lambda n: f"autrice-{n}")
    role = "Journaliste"


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Sujet {n}")
    slug = factory.Sequence(lambda n: f"sujet-{n}")
    kind = Topic.Kind.THEME


def make_image(title: str = "Photo", *, width: int = 1600, height: int = 900) -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (40, 90, 140)).save(buffer, format="JPEG")
    return Image.objects.create(
        title=title, file=ImageFile(io.BytesIO(buffer.getvalue()), name=f"{title}.jpg")
    )


def make_image_with_renditions(title: str = "Photo", **size) -> Image:
    """An image as readers see it once its save has committed: every allowed rendition made
    (tests run inside a transaction, so the after-commit step is done here)."""
    from cms.renditions import generate_renditions

    image = make_image(title, **size)
    generate_renditions(image)
    return image


def make_site() -> HomePage:
    """A fresh site: a live home page as the default site's root."""
    root = Page.get_first_root_node()
    home = HomePage(title="Kiosque", slug="accueil-test", tagline="L'actualité")
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Kiosque"},
    )
    return home


def make_section(home: HomePage, title: str = "Monde", *, slug=None, live=True, menu_order=1):
    section = SectionPage(
        title=title, slug=slug or title.lower(), description=f"Rubrique {title}",
        menu_order=menu_order, live=live,
    )  # fmt: skip
    home.add_child(instance=section)
    if live:
        section.save_revision().publish()
    else:
        section.save_revision()
    return section


def paragraph(html: str) -> tuple:
    return ("paragraph", {"text": RichText(html)})


def make_article(
    section: SectionPage,
    title: str,
    *,
    slug=None,
    standfirst="Un chapô.",
    body=None,
    published_at=None,
    live=True,
    authors=(),
    topics=(),
    related=(),
    lead_image=None,
) -> ArticlePage:
    article = ArticlePage(
        title=title,
        slug=slug or factory.Faker._get_faker().unique.slug(),
        standfirst=standfirst,
        body=body if body is not None else [paragraph("<p>Texte de l'article.</p>")],
        published_at=published_at,
        live=False,
        lead_image=lead_image,
        lead_image_caption="Une légende" if lead_image else "",
        lead_image_credit="Kiosque / Photo" if lead_image else "",
        lead_image_alt="Une description" if lead_image else "",
    )
    section.add_child(instance=article)
    for order, author in enumerate(authors):
        ArticleAuthor.objects.create(page=article, author=author, sort_order=order)
    for order, target in enumerate(related):
        if isinstance(target, str):
            RelatedLink.objects.create(page=article, url=target, title=target, sort_order=order)
        else:
            RelatedLink.objects.create(page=article, target_page=target, sort_order=order)
    article = ArticlePage.objects.get(pk=article.pk)
    # Child rows are only written on save, and the revision is taken from this instance: set
    # topics on it (setting them before the re-fetch above silently lost them).
    article.set_topics(topics)
    article.save()
    revision = article.save_revision()
    if live:
        revision.publish()
        article.refresh_from_db()
    return article


def dated(n: int) -> datetime:
    """A distinct publication date per n, newest for the largest n."""
    return BASE_DATE + timedelta(hours=n)


def feature(home: HomePage, *articles: ArticlePage) -> None:
    for order, article in enumerate(articles):
        FeaturedArticle.objects.create(page=home, article=article, sort_order=order)
