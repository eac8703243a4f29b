"""Adding many pages under a few rubriques, for the import. treebeard's `add_child` reads the
parent row and its last child before each insert, and Wagtail's `full_clean` checks foreign
keys, slug and path uniqueness with a query each; the importer knows all of that already. This
module is the one place that leans on their private methods (each marked below);
tests/test_wordpress_import_speed.py checks the tree they leave (`Page.find_problems()`) and
fails if upstream changes them.
"""

from __future__ import annotations

from django.db.models import F
from modelcluster.models import get_all_child_m2m_relations, get_all_child_relations
from wagtail.models import Page


class ChildAdder:
    """Appends pages under parents, remembering each parent's last child path. One instance
    per run, used by one process: pages added to these parents by anyone else meanwhile would
    collide on `path` (an IntegrityError: the post fails in its savepoint and is reported)."""

    def __init__(self):
        self.last_paths: dict[int, str] = {}

    def forget(self, parent) -> None:
        """After a rollback: read the parent's last child again next time."""
        self.last_paths.pop(parent.pk, None)
        numchild = Page.objects.filter(pk=parent.pk).values_list("numchild", flat=True).first()
        if numchild is not None:  # None: the parent was rolled back too
            parent.numchild = numchild

    def add(self, parent, page) -> None:
        """Save the unsaved `page` as the last child of `parent`, as `parent.add_child(
        instance=page)` would: same path, depth, url_path, locale and parent numchild. Fields
        are validated (`clean_fields`: lengths, choices, StreamField blocks); foreign keys are
        left to the database's constraints and slug uniqueness to the caller."""
        last = self.last_paths.get(parent.pk)
        if last is None:
            child = parent.get_last_child()
            last = child.path if child is not None else ""
        page.depth = parent.depth + 1
        # Private treebeard helpers: the path arithmetic add_child itself uses.
        page.path = (
            Page(path=last)._inc_path() if last else Page._get_path(parent.path, page.depth, 1)
        )
        page.locale_id = parent.locale_id
        # Private: treebeard's get_parent() returns this instead of querying (url_path).
        page._cached_parent_obj = parent
        # Private: Page.save() reads this instead of asking whether a Site starts here; a new
        # page with a fresh translation key never roots a site.
        page._is_site_root = False
        # Private: fills draft_title (and a slug from the title if there is none).
        page._set_core_field_defaults()
        page.clean_fields(exclude=[f.name for f in page._meta.concrete_fields if f.is_relation])
        # What the page's relations hold in memory, saved below: given back to the page after
        # the save, so reading them again (the revision's serializable_data) needs no query.
        related = {name: list(getattr(page, name).all()) for name in _relation_names(type(page))}
        # log_action=None: no "wagtail.create" entry here, the caller writes the page's history.
        page.save(clean=False, log_action=None)
        for name, objects in related.items():
            setattr(page, name, objects)
        Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + 1)
        parent.numchild += 1
        self.last_paths[parent.pk] = page.path


def _relation_names(model) -> list[str]:
    return [r.get_accessor_name() for r in get_all_child_relations(model)] + [
        f.name for f in get_all_child_m2m_relations(model)
    ]
