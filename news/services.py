"""Writes on newsroom snippets that the admin performs outside the stock forms."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from news.models import Topic

# "Nom (Personne)", "Nom (Lieu)"...: the kind may be typed after the name, in either language.
_KIND_SUFFIX = re.compile(r"^(?P<name>.+?)\s*\((?P<kind>[^()]+)\)\s*$")


def _kind_names() -> dict[str, str]:
    names = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.update({str(label).casefold(): value for value, label in Topic.Kind.choices})
    return names | {value: value for value in Topic.Kind.values}


def _kind_from_label(label: str) -> tuple[str, str]:
    match = _KIND_SUFFIX.match(label)
    if match:
        kind = _kind_names().get(match["kind"].strip().casefold())
        if kind is not None:
            return match["name"].strip(), kind
    return label, Topic.Kind.THEME


def create_topic(*, label: str) -> Topic:
    """A topic typed in the article form's picker: "Nom" (a theme) or "Nom (Personne)".

    An existing topic with the same name and kind is returned rather than duplicated; the slug
    is ASCII and made unique with a number."""
    name, kind = _kind_from_label(" ".join((label or "").split()))
    if not name or len(name) > Topic._meta.get_field("name").max_length:
        raise ValidationError(_("Le nom du sujet doit faire entre 1 et 255 caractères."))
    base = slugify(name)[:240] or "sujet"
    # Same name whatever the case, on every database (SQLite folds ASCII letters only).
    for existing in Topic.objects.filter(kind=kind, slug__startswith=base):
        if existing.name.casefold() == name.casefold():
            return existing
    for n in range(1, 100):
        slug = base if n == 1 else f"{base}-{n}"
        if Topic.objects.filter(slug=slug).exists():
            continue
        try:
            with transaction.atomic():
                return Topic.objects.create(name=name, slug=slug, kind=kind)
        except IntegrityError:
            continue  # taken by a concurrent creation: try the next number
    raise ValidationError(_("Impossible de trouver un identifiant libre pour ce sujet."))
