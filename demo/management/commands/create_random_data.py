"""Fill the site with N realistic random articles, fast, for load tests and benchmarks.

    python manage.py create_random_data --articles 100000

Each article is shaped like the demo's: an 8-block body (paragraphs with internal links, a
subheading, a body image, a pull quote, an inline "Lire aussi", a fact box), 1-2 authors, 2-3
topics, 3 related links (two articles, one outside URL) and a lead image drawn from a small pool
of generated images.

The fast path writes rows directly: page rows with computed tree paths via bulk_create, then the
article rows, authors, topics and links in batches, each announced by
`news.signals.articles_bulk_created` (the public search index listens). What it skips (and how
to get it back):
- page revisions: none is created; an editor's first save creates one as usual;
- the reference index ("usage" in the admin): `python manage.py rebuild_references_index`;
- page log entries and signals (the API response cache is invalidated once at the end).
"""

from __future__ import annotations

import io
import random
import time
import uuid
from datetime import UTC, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import F
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from cms.graphql.types import rendition_specs
from cms.progress import write_progress
from news.models import (
    ArticleAuthor,
    ArticlePage,
    ArticleTopic,
    Author,
    RelatedLink,
    SectionPage,
    Topic,
)
from news.signals import articles_bulk_created, pages_bulk_written

SECTIONS = [("Monde", "monde"), ("France", "france"), ("Économie", "economie"),
            ("Culture", "culture"), ("Sciences", "sciences"), ("Sport", "sport")]  # fmt: skip
SUBJECTS = ["Le gouvernement", "La mairie de Lyon", "Les agriculteurs bretons", "La ministre",
            "Un collectif d'habitants", "Le Conseil constitutionnel", "Les chercheurs du CNRS",
            "La SNCF", "Les syndicats enseignants", "Une start-up nantaise",
            "Le club marseillais", "Les députés", "La Banque de France", "Un festival de jazz",
            "Les pompiers"]  # fmt: skip
VERBS = ["annonce", "prépare", "conteste", "dévoile", "repousse", "lance", "défend",
         "remet en cause", "accélère", "suspend", "présente"]  # fmt: skip
OBJECTS = ["un plan pour l'eau potable", "la réforme des retraites", "un nouveau tramway",
           "le budget de la culture", "une enquête sur les loyers", "la saison des vendanges",
           "un projet d'éolien en mer", "la rénovation des écoles", "un accord salarial",
           "le calendrier des travaux", "une mission sur la sécheresse"]  # fmt: skip
PLACES = ["à Toulouse", "en Bretagne", "à Marseille", "dans les Hauts-de-France",
          "à Lille", "en Corse", "à Strasbourg", "dans le Massif central", "à Bordeaux",
          "en Guyane"]  # fmt: skip
SENTENCES = [
    "Les premiers résultats sont attendus avant la fin de l'année.",
    "Plusieurs élus locaux réclament davantage de concertation.",
    "Sur le terrain, les habitants restent partagés.",
    "Le projet avait déjà été présenté au printemps, sans suite.",
    "Les associations saluent une avancée, mais jugent le calendrier trop lent.",
    "Selon les chiffres publiés mardi, la hausse atteint près de 4 % sur un an.",
    "Une réunion publique est prévue le mois prochain à la salle des fêtes.",
    "Le dossier doit encore passer devant le conseil régional.",
    "Les spécialistes interrogés appellent à la prudence.",
    "Cette décision intervient après plusieurs mois de négociations.",
]
FIRST_NAMES = ["Claire", "Julien", "Amina", "Thomas", "Léa", "Karim", "Sophie", "Hugo",
               "Nadia", "Mathieu", "Inès", "Pierre", "Camille", "Yanis", "Élodie"]  # fmt: skip
LAST_NAMES = ["Martin", "Bernard", "Diallo", "Lefèvre", "Moreau", "Benali", "Garnier",
              "Rousseau", "Nguyen", "Fontaine", "Mercier", "Lambert", "Chevalier"]  # fmt: skip
TOPIC_WORDS = ["Climat", "Logement", "Santé", "Éducation", "Transports", "Agriculture",
               "Énergie", "Numérique", "Justice", "Immigration", "Tourisme", "Industrie",
               "Football", "Cinéma", "Musique", "Océans", "Espace", "Emploi"]  # fmt: skip
BATCH = 2000


class Command(BaseCommand):
    help = "Create N random, realistic published articles (fast bulk path)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=1000)
        parser.add_argument("--images", type=int, default=8, help="size of the image pool")
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args, articles, images, seed, **options):
        if articles < 1 or articles > 1_000_000:
            raise CommandError("--articles must be between 1 and 1,000,000.")
        if not 1 <= images <= 100:
            raise CommandError("--images must be between 1 and 100.")
        rng = random.Random(seed)
        started = time.monotonic()
        home = self._home()
        sections = self._sections(home)
        pool = self._images(images, rng)
        run = uuid.uuid4().hex[:6]
        authors = self._authors(rng, run)
        topics = self._topics(run)
        self._articles(articles, sections, pool, authors, topics, rng, run)
        self._feature(home)
        pages_bulk_written.send(sender=type(self))

        from cms.graphql.cache import bump_generation

        bump_generation()
        # Fresh planner statistics (PostgreSQL and SQLite): without them the listing query plans
        # for a tiny table and sorts every article instead of walking the date index.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        self.stdout.write(f"\n{articles} articles created in {elapsed:.1f} s.")

    # Site, sections and pools go through Wagtail's normal API: there are few of them.
    def _home(self):
        from home.models import HomePage

        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is not None and isinstance(site.root_page.specific, HomePage):
            return site.root_page.specific
        home = HomePage.objects.first()
        if home is None:
            home = HomePage(title="Kiosque", slug="kiosque", tagline="L'actualité en continu")
            Page.get_first_root_node().add_child(instance=home)
            home.save_revision().publish()
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={
                "hostname": "localhost",
                "port": 80,
                "root_page": home,
                "site_name": "Kiosque",
            },  # fmt: skip
        )
        return home

    def _sections(self, home):
        existing = {s.slug: s for s in SectionPage.objects.child_of(home).live()}
        sections = []
        for order, (title, slug) in enumerate(SECTIONS):
            section = existing.get(slug)
            if section is None:
                section = SectionPage(title=title, slug=slug, menu_order=order,
                                      description=f"L'actualité {title.lower()}.")  # fmt: skip
                home.add_child(instance=section)
                section.save_revision().publish()
            sections.append(section)
        return sections

    def _images(self, count, rng):
        Image = get_image_model()
        pool = list(Image.objects.filter(title__startswith="Illustration ")[:count])
        while len(pool) < count:
            n = len(pool) + 1
            canvas = PILImage.new("RGB", (1600, 900), _colour(rng))
            draw = ImageDraw.Draw(canvas)
            for _ in range(6):
                x, y = rng.randrange(1600), rng.randrange(900)
                r = rng.randrange(80, 400)
                draw.ellipse((x - r, y - r, x + r, y + r), fill=_colour(rng))
            buffer = io.BytesIO()
            canvas.save(buffer, format="JPEG", quality=80)
            image = Image.objects.create(
                title=f"Illustration {n}",
                file=ImageFile(io.BytesIO(buffer.getvalue()), name=f"illustration-{n}.jpg"),
            )
            pool.append(image)
        for image in pool:
            # Renditions made now, not by the first API requests.
            image.get_renditions(*rendition_specs())
        return pool

    def _authors(self, rng, run):
        new = [
            Author(
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                slug=f"auteur-{run}-{i}",
                role="Journaliste",
            )  # fmt: skip
            for i in range(40)
        ]
        Author.objects.bulk_create(new)
        return list(Author.objects.filter(slug__startswith=f"auteur-{run}-"))

    def _topics(self, run):
        new = [
            Topic(
                name=f"{word}{'' if i < len(TOPIC_WORDS) else f' {i}'}",
                slug=f"sujet-{run}-{i}",
                kind=Topic.Kind.THEME,
            )  # fmt: skip
            for i, word in enumerate(TOPIC_WORDS * 3)
        ]
        Topic.objects.bulk_create(new)
        return list(Topic.objects.filter(slug__startswith=f"sujet-{run}-"))

    def _articles(self, total, sections, pool, authors, topics, rng, run):
        content_type = ContentType.objects.get_for_model(ArticlePage)
        next_step = {}
        for section in sections:
            last = Page.objects.filter(path__startswith=section.path, depth=section.depth + 1)
            last = last.order_by("-path").values_list("path", flat=True).first()
            next_step[section.pk] = Page._str2int(last[-Page.steplen :]) + 1 if last else 1
        start = datetime.now(UTC) - timedelta(days=730)
        spacing = timedelta(days=730) / total
        known_ids = list(
            ArticlePage.objects.live().order_by("-pk").values_list("pk", flat=True)[:500]
        )
        done = 0
        while done < total:
            size = min(BATCH, total - done)
            with transaction.atomic():
                known_ids = self._batch(
                    done, size, sections, next_step, content_type, pool, authors, topics,
                    rng, run, start, spacing, known_ids,
                )  # fmt: skip
            done += size
            write_progress(self.stdout, done, total)

    def _batch(self, offset, size, sections, next_step, content_type, pool, authors, topics,
               rng, run, start, spacing, known_ids):  # fmt: skip
        pages, per_section = [], {}
        for i in range(size):
            n = offset + i
            section = sections[n % len(sections)]
            step = next_step[section.pk]
            next_step[section.pk] = step + 1
            per_section[section.pk] = per_section.get(section.pk, 0) + 1
            title = _title(rng)
            slug = f"{slugify(title)[:60]}-{run}-{n}"
            when = start + spacing * n + timedelta(seconds=rng.randrange(60))
            pages.append(
                Page(
                    title=title,
                    draft_title=title,
                    slug=slug,
                    content_type=content_type,
                    path=Page._get_path(section.path, section.depth + 1, step),
                    depth=section.depth + 1,
                    numchild=0,
                    url_path=f"{section.url_path}{slug}/",
                    locale_id=section.locale_id,
                    translation_key=uuid.uuid4(),
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=when,
                    last_published_at=when,
                    seo_title="",
                    search_description="",
                )  # fmt: skip
            )
        Page.objects.bulk_create(pages, batch_size=500)
        if pages[0].pk is None:  # backends that do not return ids
            slugs = [p.slug for p in pages]
            ids = dict(Page.objects.filter(slug__in=slugs).values_list("slug", "pk"))
            for page in pages:
                page.pk = page.id = ids[page.slug]
        for section_pk, count in per_section.items():
            Page.objects.filter(pk=section_pk).update(numchild=F("numchild") + count)

        targets = known_ids or [p.pk for p in pages]
        articles, authors_rows, topic_rows, links = [], [], [], []
        for page in pages:
            image = rng.choice(pool)
            body, words = _body(rng, pool, targets)
            article = ArticlePage(
                page_ptr_id=page.pk, standfirst=_sentence(rng, 2), lead_image_id=image.pk,
                lead_image_caption=_sentence(rng, 1), lead_image_credit="Kiosque / Illustration",
                lead_image_alt="Illustration abstraite aux formes colorées", body=body,
                published_at=page.first_published_at, reading_time=max(1, words // 230),
            )  # fmt: skip
            articles.append(article)
            for order, author in enumerate(rng.sample(authors, rng.choice((1, 1, 2)))):
                authors_rows.append(
                    ArticleAuthor(page_id=page.pk, author=author, sort_order=order)
                )
            for order, topic in enumerate(rng.sample(topics, rng.choice((2, 3)))):
                topic_rows.append(ArticleTopic(page_id=page.pk, topic=topic, sort_order=order))
            for order, target in enumerate(rng.sample(targets, min(2, len(targets)))):
                links.append(RelatedLink(page_id=page.pk, target_page_id=target, sort_order=order))
            links.append(
                RelatedLink(
                    page_id=page.pk,
                    url="https://www.example.org/dossier",
                    title="Le dossier complet",
                    sort_order=2,
                )  # fmt: skip
            )
        # Multi-table rows: only the article table, the page rows exist already.
        fields = list(ArticlePage._meta.local_concrete_fields)
        for chunk in range(0, len(articles), 500):
            ArticlePage.objects._insert(articles[chunk : chunk + 500], fields=fields, raw=True)
        ArticleAuthor.objects.bulk_create(authors_rows, batch_size=1000)
        ArticleTopic.objects.bulk_create(topic_rows, batch_size=1000)
        RelatedLink.objects.bulk_create(links, batch_size=1000)
        # The search index (and any other listener) learns of the batch in its transaction.
        articles_bulk_created.send(sender=ArticlePage, ids=[p.pk for p in pages])
        # Later batches link to recent articles, like a newsroom does.
        return [p.pk for p in pages[-500:]]

    def _feature(self, home):
        """Put the six newest articles on the home page if editors have chosen none yet."""
        from home.models import FeaturedArticle

        if FeaturedArticle.objects.filter(page=home).exists():
            return
        newest = ArticlePage.objects.live().descendant_of(home).order_by("-published_at")[:6]
        FeaturedArticle.objects.bulk_create(
            FeaturedArticle(page=home, article=a, sort_order=i) for i, a in enumerate(newest)
        )


def _colour(rng):
    return (rng.randrange(30, 230), rng.randrange(30, 230), rng.randrange(30, 230))


def _title(rng):
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(PLACES)}"


def _sentence(rng, count):
    return " ".join(rng.sample(SENTENCES, count))


def _body(rng, pool, targets):
    def link():
        return f'<a linktype="page" id="{rng.choice(targets)}">notre précédent article</a>'

    def paragraph(with_link=False):
        text = _sentence(rng, 3)
        if with_link:
            text += f" Lire aussi {link()}."
        return {"type": "paragraph", "value": {"text": f"<p>{text}</p>"}, "id": str(uuid.uuid4())}

    def block(kind, value):
        return {"type": kind, "value": value, "id": str(uuid.uuid4())}

    body = [
        paragraph(with_link=True),
        block("heading", {"text": rng.choice(TOPIC_WORDS) + " : ce qui change", "level": "h2"}),
        paragraph(),
        block(
            "image",
            {
                "image": rng.choice(pool).pk,
                "caption": _sentence(rng, 1),
                "credit": "Kiosque",
                "alt": "Illustration",
            },
        ),  # fmt: skip
        block(
            "pull_quote",
            {
                "text": _sentence(rng, 1),
                "attribution": rng.choice(FIRST_NAMES),
                "attribution_role": "élue locale",
            },
        ),  # fmt: skip
        block("related", {"page": rng.choice(targets), "label": ""}),
        paragraph(with_link=True),
        block(
            "fact_box",
            {
                "title": "Repères",
                "text": "<ul><li>"
                + _sentence(rng, 1)
                + "</li><li>"
                + _sentence(rng, 1)
                + "</li></ul>",
            },
        ),  # fmt: skip
    ]
    words = sum(len(str(b["value"]).split()) for b in body)
    return body, words
