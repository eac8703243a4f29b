"""Run by bench.harness.prepare with the server's environment: migrate, load content once, and
print one JSON line describing it for the workload (slugs and the schema's root fields)."""

import json
import logging
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

import django  # noqa: E402

django.setup()

from django.core.management import call_command, get_commands  # noqa: E402

SECTIONS = ["Monde", "Économie", "Culture", "Sciences", "Sport", "Politique"]
ARTICLES_PER_SECTION = int(os.environ.get("BENCH_ARTICLES_PER_SECTION", "30"))


def seed() -> None:
    """Content for the load test when the demo loader is not available: a few hundred articles
    with the usual body blocks, topics, an author and a lead image."""
    from news.models import ArticlePage
    from tests.factories import (
        AuthorFactory,
        TopicFactory,
        make_article,
        make_image,
        make_section,
        make_site,
        paragraph,
    )

    if ArticlePage.objects.exists():
        return
    home = make_site()
    author = AuthorFactory(name="Rédaction Kiosque", slug="redaction")
    topics = [TopicFactory(name=name, slug=name.lower()) for name in ("Climat", "Europe", "Santé")]
    image = make_image("Photo de une")
    for s_index, title in enumerate(SECTIONS):
        section = make_section(home, title, slug=f"rubrique-{s_index}", menu_order=s_index)
        for a_index in range(ARTICLES_PER_SECTION):
            body = [
                paragraph("<p>Premier paragraphe, avec <b>des faits</b> et des chiffres.</p>"),
                ("heading", {"text": "Ce qu'il faut retenir", "level": "h2"}),
                paragraph("<p>Deuxième paragraphe, plus long, qui développe le sujet.</p>" * 3),
                ("pull_quote", {"text": "Une phrase forte.", "attribution": "Une source",
                                "attribution_role": "témoin"}),
            ]  # fmt: skip
            make_article(
                section,
                f"{title} : article numéro {a_index}",
                slug=f"article-{s_index}-{a_index}",
                body=body,
                authors=[author],
                topics=[topics[a_index % len(topics)]],
                lead_image=image if a_index % 2 == 0 else None,
            )


def describe() -> dict:
    from grapple.schema import schema
    from wagtail.models import Site

    from news.models import ArticlePage, SectionPage

    graphql_schema = schema.graphql_schema
    mutation = graphql_schema.mutation_type
    root = Site.objects.get(is_default_site=True).root_page
    articles = ArticlePage.objects.live().public().descendant_of(root)
    return {
        "sections": list(
            SectionPage.objects.live().descendant_of(root).values_list("slug", flat=True)
        ),
        "articles": list(articles.values_list("slug", flat=True)[:200]),
        "query_fields": sorted(graphql_schema.query_type.fields),
        "mutation_fields": sorted(mutation.fields) if mutation else [],
        "content": "demo" if "load_demo_content" in get_commands() else "bench seed",
        "commands": sorted(get_commands()),
    }


def main() -> None:
    for name in ("wagtail", "django_tasks", "modelsearch"):
        logging.getLogger(name).setLevel(logging.WARNING)
    call_command("migrate", interactive=False, verbosity=0)
    if "load_demo_content" in get_commands():
        call_command("load_demo_content", verbosity=0)
    else:
        seed()
    print(json.dumps(describe()))


if __name__ == "__main__":
    main()
