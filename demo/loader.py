"""Builds the demo newsroom described in `demo.content`.

Idempotent: pages, snippets and images are looked up by slug (images by title) and left alone
when they exist, so a second run creates no row and no revision. Everything happens in one
transaction: a failed run leaves the database as it was.
"""

import io
import random
from collections import Counter, defaultdict
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator, slugify
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import RichText

from cms.indexing import deferred_indexing, index_objects, search_backends
from demo import content
from demo.images import illustration, portrait
from home.models import FeaturedArticle, HomePage
from news.models import ArticleAuthor, ArticlePage, Author, RelatedLink, SectionPage, Topic

IMAGE_PREFIX = "Démo Kiosque : "
# Fixed seed: the same publication dates (relative to the run) on every machine.
DATE_SEED = 2026
DATE_SPREAD_HOURS = 24 * 35
WELCOME_PAGE_SLUG = "home"


class DemoContentError(Exception):
    """The demo content refers to something it does not define."""


def validate_content() -> None:
    """Fail before touching the database if a slug in the content points nowhere."""
    sections = {slug for slug, _title, _desc in content.SECTIONS}
    authors = {row[0] for row in content.AUTHORS}
    topics = {slug for slug, _name, _kind in content.TOPICS}
    articles = [spec["slug"] for spec in content.ARTICLES]
    problems = []
    if len(set(articles)) != len(articles):
        problems.append("duplicate article slugs")
    known = set(articles)
    for spec in content.ARTICLES:
        where = spec["slug"]
        if spec["section"] not in sections:
            problems.append(f"{where}: unknown section {spec['section']}")
        problems += [f"{where}: unknown author {a}" for a in spec["authors"] if a not in authors]
        problems += [f"{where}: unknown topic {t}" for t in spec["topics"] if t not in topics]
        for target in spec.get("see_also", []):
            if isinstance(target, str) and target not in known:
                problems.append(f"{where}: unknown related article {target}")
        for block in spec["body"]:
            if block[0] == "related" and block[1] not in known:
                problems.append(f"{where}: unknown inline related article {block[1]}")
    problems += [f"featured: unknown article {s}" for s in content.FEATURED if s not in known]
    if problems:
        raise DemoContentError("; ".join(problems))


LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]"}


def site_address() -> tuple[str, int]:
    """Host and port of the default site, from WAGTAILADMIN_BASE_URL (127.0.0.1:8000 in dev)."""
    parts = urlsplit(settings.WAGTAILADMIN_BASE_URL or "")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.hostname or "localhost", port


def publication_dates(now) -> dict[str, object]:
    """Spread articles over recent weeks; the wire article is the newest."""
    rng = random.Random(DATE_SEED)  # noqa: S311 - demo dates, not security
    anchor = now.replace(minute=0, second=0, microsecond=0)
    others = [spec["slug"] for spec in content.ARTICLES if spec["slug"] != content.WIRE_SLUG]
    hours = rng.sample(range(3, DATE_SPREAD_HOURS), len(others))
    dates = {slug: anchor - timedelta(hours=h) for slug, h in zip(others, hours, strict=True)}
    dates[content.WIRE_SLUG] = anchor - timedelta(hours=1)
    return dates


class DemoLoader:
    def __init__(self, log=None):
        self.log = log or (lambda message: None)
        self.created = Counter()
        self.images = {}
        # Objects to index once at the end, by model.
        self.new_objects = defaultdict(set)
        self.new_files = []

    def run(self) -> Counter:
        validate_content()
        try:
            with transaction.atomic():
                self.build()
        except BaseException:
            # The rows are rolled back; the image files written meanwhile must go too.
            for file in self.new_files:
                file.storage.delete(file.name)
            raise
        return self.created

    def build(self) -> None:
        self.locale, _ = Locale.objects.get_or_create(language_code="fr")
        home, home_is_new = self.ensure_home()
        self.ensure_site(home)
        self.remove_welcome_page(home)
        self.images = {
            image.title: image
            for image in get_image_model().objects.filter(title__startswith=IMAGE_PREFIX)
        }
        with deferred_indexing():
            authors = self.ensure_authors()
            topics = self.ensure_topics()
            sections = self.ensure_sections(home)
            articles = self.ensure_articles(home, sections, authors, topics)
            if home_is_new or home.live_revision_id is None:
                self.publish_home(home, articles)
        self.index_new_objects()

    def remember(self, obj) -> None:
        self.new_objects[type(obj)].add(obj.pk)

    def index_new_objects(self) -> None:
        """Search and reference index entries for everything created, one pass per model."""
        backends = search_backends()
        for model, pks in self.new_objects.items():
            index_objects(model, list(model.objects.filter(pk__in=pks)), backends)

    # -- site ------------------------------------------------------------------------------

    def ensure_home(self) -> tuple[HomePage, bool]:
        home = HomePage.objects.filter(depth=2, slug=content.HOME["slug"]).first()
        if home is not None:
            return home, False
        home = HomePage(
            title=content.HOME["title"],
            slug=content.HOME["slug"],
            tagline=content.HOME["tagline"],
            locale=self.locale,
            live=False,
        )
        Page.get_first_root_node().add_child(instance=home)
        self.created["home"] += 1
        self.remember(home)
        self.log(f"Page d'accueil créée : /{home.slug}/")
        return home, True

    def ensure_site(self, home: HomePage) -> None:
        hostname, port = site_address()
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname=hostname, port=port, root_page=home, is_default_site=True,
                site_name=settings.WAGTAIL_SITE_NAME,
            )  # fmt: skip
            self.log(f"Site par défaut créé : {hostname}:{port}")
            return
        if site.root_page_id == home.pk:
            # A local run on another port (`make run PORT=8080`) moves the local site with it.
            moved = (site.hostname, site.port) != (hostname, port)
            if (
                moved
                and {site.hostname, hostname} <= LOCAL_HOSTS
                and not Site.objects.filter(hostname=hostname, port=port).exists()
            ):
                site.hostname, site.port = hostname, port
                site.save(update_fields=["hostname", "port"])
                self.log(f"Site par défaut déplacé sur {hostname}:{port}")
            return
        site.root_page = home
        # The address is taken only if no other site already answers on it.
        if not Site.objects.filter(hostname=hostname, port=port).exclude(pk=site.pk).exists():
            site.hostname, site.port = hostname, port
        site.site_name = site.site_name or settings.WAGTAIL_SITE_NAME
        site.save()
        self.log(f"Site par défaut ({site.hostname}:{site.port}) rattaché à la page d'accueil")

    def remove_welcome_page(self, home: HomePage) -> None:
        """Delete Wagtail's "Welcome" page, unless someone built on it or a site still uses it."""
        welcome = (
            Page.objects.filter(
                depth=2,
                slug=WELCOME_PAGE_SLUG,
                content_type=ContentType.objects.get_for_model(Page),
                numchild=0,
            )
            .exclude(pk=home.pk)
            .exclude(sites_rooted_here__isnull=False)
            .first()
        )
        if welcome is not None:
            welcome.delete()
            self.log("Page « Welcome » de Wagtail supprimée")

    # -- snippets and images ---------------------------------------------------------------

    def image(self, label: str, *, palette: str, motif: int, portrait_of: str = ""):
        title = IMAGE_PREFIX + label
        found = self.images.get(title)
        if found is not None:
            return found
        if portrait_of:
            data = portrait(portrait_of, palette=palette)
        else:
            data = illustration(label, palette=palette, motif=motif)
        image = get_image_model()(title=title)
        image.file = ImageFile(io.BytesIO(data), name=f"demo-{slugify(label)}.jpg")
        image._set_image_file_metadata()
        image.save()
        self.new_files.append(image.file)
        self.images[title] = image
        self.created["images"] += 1
        self.remember(image)
        return image

    def ensure_authors(self) -> dict[str, Author]:
        existing = {a.slug: a for a in Author.objects.all()}
        for slug, name, role, bio, palette in content.AUTHORS:
            if slug in existing:
                continue
            initials = "".join(part[0] for part in name.replace("-", " ").split()[:2])
            photo = self.image(f"portrait de {name}", palette=palette, motif=0,
                               portrait_of=initials)  # fmt: skip
            existing[slug] = Author.objects.create(
                slug=slug, name=name, role=role, bio=bio, photo=photo
            )
            self.created["authors"] += 1
            self.remember(existing[slug])
        self.log(f"Auteurs : {len(content.AUTHORS)} ({self.created['authors']} créés)")
        return existing

    def ensure_topics(self) -> dict[str, Topic]:
        existing = {t.slug: t for t in Topic.objects.all()}
        missing = [
            Topic(slug=slug, name=name, kind=kind)
            for slug, name, kind in content.TOPICS
            if slug not in existing
        ]
        for topic in Topic.objects.bulk_create(missing):
            existing[topic.slug] = topic
            self.remember(topic)
        if missing:
            self.created["topics"] += len(missing)
        self.log(f"Sujets : {len(content.TOPICS)} ({len(missing)} créés)")
        return existing

    # -- pages -----------------------------------------------------------------------------

    def ensure_sections(self, home: HomePage) -> dict[str, SectionPage]:
        existing = {s.slug: s for s in SectionPage.objects.child_of(home)}
        for order, (slug, title, description) in enumerate(content.SECTIONS, start=1):
            if slug in existing:
                continue
            section = SectionPage(
                title=title, slug=slug, description=description, menu_order=order * 10,
                locale=self.locale, live=False,
            )  # fmt: skip
            home.add_child(instance=section)
            section.save_revision().publish()
            existing[slug] = section
            self.created["sections"] += 1
            self.remember(section)
        self.log(f"Rubriques : {len(content.SECTIONS)} ({self.created['sections']} créées)")
        return existing

    def ensure_articles(self, home, sections, authors, topics) -> dict[str, ArticlePage]:
        pages = {a.slug: a for a in ArticlePage.objects.descendant_of(home)}
        dates = publication_dates(timezone.now())
        new = []
        # Create every missing page first, so links between new articles can be resolved.
        for index, spec in enumerate(content.ARTICLES):
            if spec["slug"] in pages:
                continue
            page = self.new_article(spec, index, dates[spec["slug"]])
            sections[spec["section"]].add_child(instance=page)
            pages[page.slug] = page
            new.append((spec, page))
        for count, (spec, page) in enumerate(new, start=1):
            self.fill_article(page, spec, pages, authors, topics)
            page.save_revision().publish()
            self.created["articles"] += 1
            self.remember(page)
            if count % 10 == 0 or count == len(new):
                self.log(f"Articles publiés : {count}/{len(new)}")
        self.log(f"Articles : {len(content.ARTICLES)} ({len(new)} créés)")
        return pages

    def new_article(self, spec: dict, index: int, published_at) -> ArticlePage:
        palette = content.SECTION_PALETTES[spec["section"]]
        lead = self.image(spec["visual"], palette=palette, motif=index)
        return ArticlePage(
            title=spec["title"],
            slug=spec["slug"],
            standfirst=spec["standfirst"],
            search_description=Truncator(spec["standfirst"]).chars(160),
            lead_image=lead,
            lead_image_caption=spec["caption"],
            lead_image_credit=content.CREDIT,
            lead_image_alt=alt_text(spec["visual"], palette),
            published_at=published_at,
            first_published_at=published_at,
            locale=self.locale,
            live=False,
        )

    def fill_article(self, page, spec, pages, authors, topics) -> None:
        palette = content.SECTION_PALETTES[spec["section"]]
        body = []
        for motif, block in enumerate(spec["body"]):
            kind, *args = block
            if kind == "paragraph":
                value = {"text": RichText(f"<p>{args[0]}</p>")}
            elif kind == "heading":
                value = {"text": args[0], "level": args[1]}
            elif kind == "pull_quote":
                value = {"text": args[0], "attribution": args[1], "attribution_role": args[2]}
            elif kind == "image":
                label, caption, credit = args
                value = {
                    "image": self.image(label, palette=palette, motif=motif + 1),
                    "caption": caption,
                    "credit": credit,
                    "alt": alt_text(label, palette),
                }
            elif kind == "embed":
                value = {"url": args[0], "caption": args[1]}
            elif kind == "related":
                value = {"page": pages[args[0]], "label": args[1]}
            elif kind == "fact_box":
                value = {"title": args[0], "text": RichText(args[1])}
            else:  # pragma: no cover - guarded by the content's helpers
                raise DemoContentError(f"unknown block {kind}")
            body.append((kind, value))
        page.body = body
        page.article_authors = [
            ArticleAuthor(author=authors[slug], sort_order=order)
            for order, slug in enumerate(spec["authors"])
        ]
        page.set_topics([topics[slug] for slug in spec["topics"]])
        links = []
        for order, target in enumerate(spec.get("see_also", [])):
            if isinstance(target, str):
                links.append(RelatedLink(target_page=pages[target], sort_order=order))
            else:
                url, title = target
                links.append(RelatedLink(url=url, title=title, sort_order=order))
        page.related_links = links

    def publish_home(self, home: HomePage, articles: dict[str, ArticlePage]) -> None:
        home.featured = [
            FeaturedArticle(article=articles[slug], sort_order=order)
            for order, slug in enumerate(content.FEATURED)
        ]
        home.save_revision().publish()
        self.remember(home)
        self.log(f"Page d'accueil publiée avec {len(content.FEATURED)} articles à la une")


def alt_text(label: str, palette: str) -> str:
    return f"Illustration aux tons {palette} portant l'inscription « {label} »."
