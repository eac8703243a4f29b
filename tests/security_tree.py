"""A small site where every kind of non-public page carries a unique marker string.

Any response that contains one of `HIDDEN_MARKERS` has leaked a page the public must not see.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

from wagtail.contrib.redirects.models import Redirect
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from tests.factories import (
    TopicFactory,
    dated,
    feature,
    make_article,
    make_image,
    make_section,
    make_site,
    paragraph,
)
from tests.shared_data import rolled_back

MARKERS = {
    "draft": "zqbrouillon",
    "unpublished": "zqdepublie",
    "private": "zqreserve",
    "password": "zqmotdepasse",
    "revision": "zqrevision",
    "hidden_section": "zqrubriquecachee",
    "private_section": "zqrubriqueprivee",
}
HIDDEN_MARKERS = tuple(MARKERS.values())
PUBLIC_MARKER = "zqpublic"


@dataclass
class LeakTree:
    home: object
    section: object
    public: object
    other: object
    pages: dict = field(default_factory=dict)
    topic: object = None


def _hidden(section, kind, *, topic, n, live=True):
    marker = MARKERS[kind]
    return make_article(
        section,
        f"Article {marker}",
        slug=f"article-{marker}",
        standfirst=f"Chapô {marker}",
        body=[paragraph(f"<p>Texte {marker}</p>")],
        published_at=dated(n),
        live=live,
        topics=[topic],
    )


def build_leak_tree(*, with_image: bool = True) -> LeakTree:
    home = make_site()
    topic = TopicFactory(name="Climat", slug="climat")
    section = make_section(home, "Monde", slug="monde")
    image = make_image("Une photo") if with_image else None

    pages = {}
    pages["draft"] = _hidden(section, "draft", topic=topic, n=1, live=False)
    pages["unpublished"] = _hidden(section, "unpublished", topic=topic, n=2)
    pages["unpublished"].unpublish()
    pages["private"] = _hidden(section, "private", topic=topic, n=3)
    PageViewRestriction.objects.create(
        page=pages["private"], restriction_type=PageViewRestriction.LOGIN
    )
    pages["password"] = _hidden(section, "password", topic=topic, n=4)
    PageViewRestriction.objects.create(
        page=pages["password"], restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )

    hidden_section = make_section(home, "Coulisses", slug="coulisses", live=False, menu_order=2)
    pages["hidden_section"] = _hidden(hidden_section, "hidden_section", topic=topic, n=5)
    private_section = make_section(home, "Interne", slug="interne", menu_order=3)
    PageViewRestriction.objects.create(
        page=private_section, restriction_type=PageViewRestriction.LOGIN
    )
    pages["private_section"] = _hidden(private_section, "private_section", topic=topic, n=6)

    other = make_article(
        section, "Un autre article", slug="autre-article", published_at=dated(7), topics=[topic]
    )
    hidden = [pages[k] for k in ("draft", "unpublished", "private", "password")]
    public = make_article(
        section,
        f"Article {PUBLIC_MARKER}",
        slug="article-public",
        published_at=dated(8),
        topics=[topic],
        lead_image=image,
        related=[*hidden, other, pages["hidden_section"], "https://exemple.fr/dossier"],
        body=[
            paragraph(f"<p>Texte {PUBLIC_MARKER}</p>"),
            *[("related", {"page": page, "label": ""}) for page in hidden],
            ("related", {"page": other, "label": ""}),
            ("fact_box", {"title": "Repères", "text": RichText("<p>Trois dates.</p>")}),
        ],
    )
    # A published article whose latest, unpublished revision has another title.
    revised = make_article(
        section, "Titre en ligne", slug="article-revise", published_at=dated(9), topics=[topic]
    )
    revised.title = f"Titre {MARKERS['revision']}"
    revised.standfirst = f"Chapô {MARKERS['revision']}"
    revised.save_revision()
    pages["revision"] = revised

    feature(home, pages["draft"], pages["private"], public, pages["unpublished"])
    Redirect.objects.create(old_path="/ancienne-adresse", redirect_page=pages["draft"])
    return LeakTree(
        home=home, section=section, public=public, other=other, pages=pages, topic=topic
    )


@contextmanager
def shared_tree(django_db_blocker, **kwargs):
    """One tree for a whole module, rolled back at the end (tests run in savepoints)."""
    with rolled_back(django_db_blocker):
        yield build_leak_tree(**kwargs)


def assert_no_hidden_marker(payload) -> None:
    text = str(payload)
    leaked = [marker for marker in HIDDEN_MARKERS if marker in text]
    assert not leaked, f"hidden content leaked: {leaked}"


def select_all(schema, type_, depth: int, prefix: str = "") -> str:
    """A selection of every field reachable from `type_` down to `depth` (fields with
    required arguments skipped). Fields under type conditions get per-type aliases so that
    fields of one name with different types never conflict."""
    from graphql import get_named_type, is_abstract_type, is_leaf_type, is_non_null_type

    type_ = get_named_type(type_)
    if is_leaf_type(type_):
        return ""
    parts = ["__typename"]
    if depth > 0:
        for name, field in getattr(type_, "fields", {}).items():
            if any(is_non_null_type(arg.type) for arg in field.args.values()):
                continue
            alias = f"{prefix}{name}: " if prefix else ""
            parts.append(f"{alias}{name} {select_all(schema, field.type, depth - 1)}".strip())
        if is_abstract_type(type_):
            for possible in schema.get_possible_types(type_):
                inner = select_all(schema, possible, depth, prefix=f"{possible.name}_")
                parts.append(f"... on {possible.name} {inner}")
    return "{ " + " ".join(parts) + " }"
