"""How long the article edit form takes to open, next to Wagtail's edit form for a minimal page
measured in the same run (issue 13, item 3: "with 5,000 topics the article form opens in under
1.5 s").

    .venv/bin/python bench/admin_form.py [--topics 5000] [--runs 15]

Builds a throw-away SQLite database under var/ with one site, one rubrique, one article (three
topics, one author, one "Lire aussi" link, an eight-block body) and a plain Wagtail page, then
times `GET /admin/pages/<id>/edit/` through Django's test client (the whole admin view:
permissions, form, panels, template). The cases are measured in turns, one request each per
round, so a load change on the shared machine hits them all alike; the report gives each case
as a ratio to the minimal page of the same rounds. Writes docs/benchmarks-admin.md.

Where the time goes: the same rounds open the article form with one part of it taken out (the
body, the inline lists, the topic picker, the promote and settings tabs), and with the body's
block definitions packed on every opening as stock Wagtail does (news.forms).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = ROOT / "var" / "bench-admin.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

import django  # noqa: E402

(ROOT / "var").mkdir(exist_ok=True)
DB.unlink(missing_ok=True)
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from wagtail.admin.panels import InlinePanel  # noqa: E402
from wagtail.admin.panels.page_utils import _get_page_edit_handler  # noqa: E402
from wagtail.models import Page  # noqa: E402

from news.autocomplete import PickerPanel  # noqa: E402
from news.forms import ArticlePageForm  # noqa: E402
from news.models import ArticlePage, Topic  # noqa: E402
from tests.factories import (  # noqa: E402
    AuthorFactory,
    make_article,
    make_section,
    make_site,
    paragraph,
)

REPORT = ROOT / "docs" / "benchmarks-admin.md"
FULL_PANELS = (
    ArticlePage.content_panels,
    ArticlePage.promote_panels,
    ArticlePage.settings_panels,
)


@contextmanager
def article_panels(*, drop=(), content=True, promote=True, settings=True):
    """The article form with some panels taken out. Wagtail caches each page type's edit
    handler (a private cache, bench only): it is rebuilt for the variant and after it."""
    ArticlePage.content_panels = [
        p for p in FULL_PANELS[0] if not any(isinstance(p, kind) for kind in drop)
    ]
    if not content:
        ArticlePage.content_panels = ArticlePage.content_panels[:1]
    ArticlePage.promote_panels = FULL_PANELS[1] if promote else []
    ArticlePage.settings_panels = FULL_PANELS[2] if settings else []
    _get_page_edit_handler.pop(ArticlePage, None)
    try:
        yield
    finally:
        ArticlePage.content_panels, ArticlePage.promote_panels, ArticlePage.settings_panels = (
            FULL_PANELS
        )
        _get_page_edit_handler.pop(ArticlePage, None)


@contextmanager
def packed_every_time():
    """Stock Wagtail: the body's block definitions packed for each form."""
    ArticlePageForm.pack_blocks_once = False
    try:
        yield
    finally:
        ArticlePageForm.pack_blocks_once = True


def timed(client, url: str) -> tuple[float, float]:
    """CPU and wall-clock milliseconds of one request. SQLite runs in this process, so its CPU
    time is the request's whole work; on a shared machine it moves far less than the wall clock,
    which also counts the time spent waiting for a core."""
    start, start_cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    cpu = (time.process_time() - start_cpu) * 1000
    wall = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return cpu, wall


def shape(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return len(response.content), len(queries)


def rounds(client, cases: dict, runs: int) -> dict[str, list[float]]:
    """cases: label -> (url, context manager factory). One timed request per case per round,
    after one untimed request in the same state (warm caches, rebuilt edit handler)."""
    times = {label: [] for label in cases}
    for _ in range(runs):
        for label, (url, state) in cases.items():
            with state():
                client.get(url)
                times[label].append(timed(client, url))
    return times


@contextmanager
def as_is():
    yield


def body_removed():
    return _without_field("body")


@contextmanager
def _without_field(name):
    ArticlePage.content_panels = [
        p for p in FULL_PANELS[0] if getattr(p, "field_name", None) != name
    ]
    _get_page_edit_handler.pop(ArticlePage, None)
    try:
        yield
    finally:
        ArticlePage.content_panels = FULL_PANELS[0]
        _get_page_edit_handler.pop(ArticlePage, None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--topics", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    home = make_site()
    section = make_section(home, "Monde", slug="monde")
    chosen = [
        Topic.objects.create(name=name, slug=slug, kind=kind)
        for name, slug, kind in (
            ("Emmanuel Macron", "emmanuel-macron", Topic.Kind.PERSON),
            ("Marseille", "marseille", Topic.Kind.PLACE),
            ("Climat", "climat", Topic.Kind.THEME),
        )
    ]
    body = [paragraph(f"<p>Paragraphe {n} de l'article.</p>") for n in range(8)]
    article = make_article(
        section,
        "Un article",
        slug="un-article",
        topics=chosen,
        body=body,
        authors=[AuthorFactory(name="Léa Roux", slug="lea-roux")],
        related=["https://example.org/dossier"],
    )
    minimal = home.add_child(instance=Page(title="Page minimale", slug="page-minimale"))
    minimal.save_revision().publish()
    user = get_user_model().objects.create_superuser("bench", "", "bench-mot-de-passe")
    client = Client()
    client.force_login(user)
    article_url = f"/admin/pages/{article.pk}/edit/"
    minimal_url = f"/admin/pages/{minimal.pk}/edit/"
    section_url = f"/admin/pages/{section.pk}/edit/"

    # 1. The form with few and with many topics, next to the minimal page.
    few = rounds(
        client,
        {"minimal": (minimal_url, as_is), "article": (article_url, as_is)},
        args.runs,
    )
    few_shape = shape(client, article_url)
    Topic.objects.bulk_create(
        Topic(name=f"Sujet {n:05d}", slug=f"sujet-{n:05d}", kind=Topic.Kind.THEME)
        for n in range(args.topics)
    )
    # 2. With the topics in the database: every case, in turns.
    cases = {
        "minimal": (minimal_url, as_is),
        "section": (section_url, as_is),
        "article": (article_url, as_is),
        "stock packing": (article_url, packed_every_time),
        "no body": (article_url, body_removed),
        "no inline lists": (article_url, lambda: article_panels(drop=(InlinePanel,))),
        "no topic picker": (article_url, lambda: article_panels(drop=(PickerPanel,))),
        "no promote/settings tabs": (
            article_url,
            lambda: article_panels(promote=False, settings=False),
        ),
    }
    many = rounds(client, cases, args.runs)
    shapes = dict.fromkeys(cases)
    for label, (url, state) in cases.items():
        with state():
            shapes[label] = shape(client, url)

    def p50(values):
        return statistics.median(cpu for cpu, _wall in values)

    def wall(values):
        return statistics.median(w for _cpu, w in values)

    def ratio(values, reference):
        # Per round, then the median: both were measured under the same load.
        return statistics.median(v[0] / r[0] for v, r in zip(values, reference, strict=True))

    total = args.topics + 3
    lines = [
        "# Opening the article edit form",
        "",
        f"Written by `bench/admin_form.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC (SQLite, "
        f"in-process test client, {args.runs} rounds after a warm-up; shared machine, "
        f"load average {os.getloadavg()[0]:.1f} at the end).",
        "Every case is measured in turns within each round; ratios are per round, on CPU time, "
        "against the minimal page (a plain Wagtail `Page`: title, slug and the stock promote "
        "and settings tabs), so they hold on a loaded machine where milliseconds do not. CPU "
        "time is the request's whole work (SQLite runs in-process); wall time adds the wait "
        "for a core on this shared machine.",
        "",
        "## The target: the article form with 5,000 topics",
        "",
        "| case | CPU p50 ms | wall p50 ms | wall max ms | x minimal page (CPU) | HTML bytes "
        "| SQL queries |",
        "|---|---|---|---|---|---|---|",
        f"| minimal page, 3 topics in the database | {p50(few['minimal']):.0f} | "
        f"{wall(few['minimal']):.0f} | {max(w for _c, w in few['minimal']):.0f} | 1.00 | | |",
        f"| article, 3 topics in the database | {p50(few['article']):.0f} | "
        f"{wall(few['article']):.0f} | {max(w for _c, w in few['article']):.0f} | "
        f"{ratio(few['article'], few['minimal']):.2f} | {few_shape[0]:,} | {few_shape[1]} |",
        f"| minimal page, {total:,} topics | {p50(many['minimal']):.0f} | "
        f"{wall(many['minimal']):.0f} | {max(w for _c, w in many['minimal']):.0f} | 1.00 | "
        f"{shapes['minimal'][0]:,} | {shapes['minimal'][1]} |",
        f"| **article, {total:,} topics** | **{p50(many['article']):.0f}** | "
        f"**{wall(many['article']):.0f}** | {max(w for _c, w in many['article']):.0f} | "
        f"{ratio(many['article'], many['minimal']):.2f} | {shapes['article'][0]:,} | "
        f"{shapes['article'][1]} |",
        "",
        "The picker renders only the article's topics and searches the rest on demand "
        "(`/admin/autocomplete/search/`, at most 50 results): the topic count changes neither "
        "the HTML nor the queries. The first two rows come from rounds of two cases, the last "
        "two from the rounds below (eight cases in turns); compare ratios within a set.",
        "",
        f"## Where the time goes ({total:,} topics, same rounds)",
        "",
        "| case | CPU p50 ms | wall p50 ms | x minimal page | x article | HTML bytes "
        "| SQL queries |",
        "|---|---|---|---|---|---|---|",
    ]
    for label in cases:
        lines.append(
            f"| {label} | {p50(many[label]):.0f} | {wall(many[label]):.0f} | "
            f"{ratio(many[label], many['minimal']):.2f} | "
            f"{ratio(many[label], many['article']):.2f} | {shapes[label][0]:,} | "
            f"{shapes[label][1]} |"
        )
    lines += [
        "",
        "- *article*: as shipped; *stock packing*: the same form with the body's block "
        "definitions packed on every opening, as Wagtail does (Kiosque packs them once per "
        "language, `news.forms.ArticlePageForm`).",
        "- *no ...*: the article form with that part taken out, to show its share.",
        "",
    ]
    REPORT.write_text("\n".join(lines))
    print("\n".join(lines))
    DB.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
