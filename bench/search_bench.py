"""Search latency at newsroom scale, in-process, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kiosque_search \
        .venv/bin/python bench/search_bench.py --articles 100000

Builds (once; reused on later runs) a site with N live articles of generated French text,
indexes them with the real `rebuild_search_index` path, then times each bench query:
`search_articles` + first page of 20 hits (with excerpts and article data) + totalCount, which
is everything the GraphQL resolver does, and the full GraphQL request through Django's test
client. Prints p50/p95 per query and overall. Results go to docs/benchmarks-search.md by hand.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from wagtail.models import Locale, Page, Site  # noqa: E402

from news.models import ArticlePage, SectionPage, Topic  # noqa: E402
from search import services  # noqa: E402
from search.models import ArticleSearchDocument  # noqa: E402
from search.selectors import search_articles  # noqa: E402

# Words with a controlled share of articles, so the queries below have known match counts.
SEEDED = {
    "coopération": 0.08,
    "sécuritaire": 0.03,
    "Sahel": 0.05,
    "ministres": 0.12,
    "gouvernement": 0.30,
    "inflation": 0.04,
    "législatives": 0.02,
    "sécheresse": 0.01,
    "cyclone": 0.002,
}
QUERIES = [
    "coopération sécuritaire",
    "cooperation",
    "Sahel",
    "ministres",
    "coopérations",
    "gouvernement",
    "inflation des prix",
    "élections législatives",
    "sécheresse",
    "cyclone",
    "mot introuvable",
]
_COMMON_TEXT = """
le la les un une des du de et en au aux pour sur dans par avec selon mais plus après avant
depuis pays ville région président ministre réunion accord projet économie marché
population semaine année jour santé école eau route port frontière armée police justice
tribunal élection parti opposition budget dette banque monnaie prix salaire emploi
agriculture récolte pluie énergie pétrole gaz mine or commerce export import transport
université étudiants enseignants hôpital médecins vaccin épidémie culture musique festival
football match équipe victoire défaite annonce déclaration communiqué enquête rapport
chiffres hausse baisse crise réforme loi décret assemblée sénat conseil maire quartier
"""
COMMON = _COMMON_TEXT.split()
_SYLLABLE_TEXT = (
    "ba bo da de di fa ga ka la le li ma me mi na ne no pa pe ra re ri sa se si ta te ti va vo"  # noqa: E501
)
SYLLABLES = _SYLLABLE_TEXT.split()


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    words = list(COMMON)
    while len(words) < size:
        words.append("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return words


def sentence(rng, words, cum_weights, n):
    return " ".join(rng.choices(words, cum_weights=cum_weights, k=n)).capitalize() + "."


def build(n: int, seed: int = 7) -> None:
    from tests.factories import make_section, make_site

    rng = random.Random(seed)
    words = vocabulary(rng)
    weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))  # Zipf
    with transaction.atomic():
        home = make_site()
        sections = [
            make_section(home, name, slug=slug, menu_order=i)
            for i, (name, slug) in enumerate(
                [
                    ("Monde", "monde"),
                    ("Afrique", "afrique"),
                    ("Économie", "economie"),
                    ("Politique", "politique"),
                    ("Culture", "culture"),
                    ("Sport", "sport"),
                    ("Sciences", "sciences"),
                    ("Société", "societe"),
                ]  # fmt: skip
            )
        ]
        topics = [
            Topic.objects.create(name=f"Sujet {w}", slug=f"sujet-{i}")
            for i, w in enumerate(COMMON[20:60])
        ]
    ct = ContentType.objects.get_for_model(ArticlePage)
    locale = Locale.get_default()
    now = datetime.now(UTC)
    per_section = -(-n // len(sections))
    created = 0
    for s_index, section in enumerate(sections):
        section = SectionPage.objects.get(pk=section.pk)
        count = min(per_section, n - created)
        if count <= 0:
            break
        batch = 5000
        for start in range(0, count, batch):
            pages, extra = [], []
            for i in range(start, min(start + batch, count)):
                seeded = [w for w, share in SEEDED.items() if rng.random() < share]
                title_words = rng.choices(words[:400], k=rng.randint(5, 9))
                if seeded and rng.random() < 0.3:
                    title_words.insert(rng.randint(0, len(title_words)), seeded[0])
                title = " ".join(title_words).capitalize()
                slug = f"a{s_index}-{i}"
                published = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365 * 3))
                paragraphs = []
                for _ in range(rng.randint(4, 8)):
                    text = " ".join(sentence(rng, words, weights, rng.randint(8, 22))
                                    for _ in range(3))  # fmt: skip
                    paragraphs.append(text)
                for w in seeded:
                    p = rng.randrange(len(paragraphs))
                    paragraphs[p] = f"{paragraphs[p]} Le dossier {w} revient."
                body = [
                    {
                        "type": "paragraph",
                        "value": {"text": f"<p>{p}</p>"},
                        "id": str(uuid.uuid4()),
                    }
                    for p in paragraphs  # fmt: skip
                ]
                pages.append(
                    Page(
                        title=title,
                        draft_title=title,
                        slug=slug,
                        content_type=ct,
                        locale=locale,
                        path=section.path + _step(i + 1),
                        depth=section.depth + 1,
                        numchild=0,
                        live=True,
                        url_path=f"{section.url_path}{slug}/",
                        first_published_at=published,
                        last_published_at=published,
                    )  # fmt: skip
                )
                standfirst = sentence(rng, words, weights, rng.randint(15, 30))
                extra.append((standfirst, json.dumps(body), published,
                              rng.sample(topics, k=rng.randint(0, 3))))  # fmt: skip
            Page.objects.bulk_create(pages, batch_size=1000)
            rows, topic_rows = [], []
            for page, (standfirst, body, published, page_topics) in zip(pages, extra, strict=True):
                rows.append((page.pk, standfirst, "", "", "", body, published, 2))
                topic_rows += [(page.pk, t.pk, n) for n, t in enumerate(page_topics)]
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO news_articlepage (page_ptr_id, standfirst, lead_image_caption, "
                    "lead_image_credit, lead_image_alt, body, published_at, reading_time) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    rows,
                )
                cursor.executemany(
                    "INSERT INTO news_articletopic (page_id, topic_id, sort_order) "
                    "VALUES (%s, %s, %s)",
                    topic_rows,
                )
            created += len(pages)
            print(f"  {created} articles", flush=True)
        Page.objects.filter(pk=section.pk).update(numchild=count)


def _step(i: int) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    for _ in range(4):
        i, r = divmod(i, 36)
        out = alphabet[r] + out
    return out


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


GQL = """query($q: String!) { search(query: $q, first: 20) { totalCount
  edges { score excerpt node { title urlPath publishedAt authors { name } topics { name } } } }
}"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--reindex", action="store_true", help="rebuild the index even if full")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (e.g. .../kiosque_search).")

    call_command("migrate", verbosity=0)
    existing = ArticlePage.objects.count()
    if existing < args.articles:
        if existing:
            sys.exit(f"{existing} articles already there; use a fresh database.")
        t0 = time.perf_counter()
        build(args.articles)
        print(f"generated {args.articles} articles in {time.perf_counter() - t0:.0f} s")
    if args.reindex or ArticleSearchDocument.objects.count() < args.articles:
        t0 = time.perf_counter()
        indexed = services.rebuild_index(batch_size=1000)
        print(f"indexed {indexed} articles in {time.perf_counter() - t0:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('search_articlesearchdocument'))"
        )
        size = cursor.fetchone()[0]
    root = Page.objects.get(pk=Site.objects.get(is_default_site=True).root_page_id).path

    print(f"\n{ArticlePage.objects.live().count()} live articles, index {size}")
    print(f"{'query':28} {'matches':>8} {'p50 ms':>8} {'p95 ms':>8} {'gql p50':>8} {'gql p95':>8}")
    client = Client()
    all_sel, all_gql = [], []
    for q in QUERIES:
        sel, gql = [], []
        for attempt in range(args.repeat + 2):
            t0 = time.perf_counter()
            results = search_articles(root_path=root, query=q)
            results.hits(0, 20)
            total = results.total_count
            t1 = time.perf_counter()
            response = client.post(
                "/graphql/", data=json.dumps({"query": GQL, "variables": {"q": q}}),
                content_type="application/json",
            )  # fmt: skip
            t2 = time.perf_counter()
            assert response.status_code == 200 and "errors" not in response.json()
            if attempt >= 2:  # warm-up runs are not counted
                sel.append((t1 - t0) * 1000)
                gql.append((t2 - t1) * 1000)
        all_sel += sel
        all_gql += gql
        print(f"{q:28} {total:>8} {statistics.median(sel):>8.1f} {percentile(sel, .95):>8.1f} "
              f"{statistics.median(gql):>8.1f} {percentile(gql, .95):>8.1f}")  # fmt: skip
    print(f"{'ALL':28} {'':>8} {statistics.median(all_sel):>8.1f} "
          f"{percentile(all_sel, .95):>8.1f} {statistics.median(all_gql):>8.1f} "
          f"{percentile(all_gql, .95):>8.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
