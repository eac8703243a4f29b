"""Adding many pages under a few rubriques, for the import. treebeard's `add_child` reads the
parent row and its last child before each insert, and Wagtail's `full_clean` checks foreign
keys, slug and path uniqueness with a query each; the importer knows all of that already. The
private treebeard and Wagtail methods this needs are in cms/upstream.py;
tests/test_wordpress_import_speed.py checks the tree they leave (`Page.find_problems()`).
"""

from __future__ import annotations

from django.db.models import F
from modelcluster.models import get_all_child_m2m_relations, get_all_child_relations
from wagtail.models import Page

from cms import upstream


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

    def add(self, parent, page, relations: dict[str, list]) -> None:
        """Save the unsaved `page` as the last child of `parent`, as `parent.add_child(
        instance=page)` would: same path, depth, url_path, locale and parent numchild. Fields
        are validated (`clean_fields`: lengths, choices, StreamField blocks); foreign keys are
        left to the database's constraints and slug uniqueness to the caller.

        `relations` maps child relation and ParentalManyToMany names to their unsaved objects
        (or, for many-to-many, saved targets). They are inserted in one statement each, not
        through modelcluster, which first reads the (empty) existing rows and saves the children
        one by one, and then given to the page as saved, so reading them (serializable_data for
        its revision) costs no query. No post_save per child: nothing in Kiosque listens to
        these models' saves, and the import indexes the page as a whole afterwards."""
        last = self.last_paths.get(parent.pk)
        if last is None:
            child = parent.get_last_child()
            last = child.path if child is not None else ""
        page.depth = parent.depth + 1
        page.path = upstream.next_child_path(parent, last)
        page.locale_id = parent.locale_id
        upstream.prepare_new_child(page, parent)
        page.clean_fields(exclude=[f.name for f in page._meta.concrete_fields if f.is_relation])
        # log_action=None: no "wagtail.create" entry here, the caller writes the page's history.
        page.save(clean=False, log_action=None)
        _insert_relations(page, relations)
        Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + 1)
        parent.numchild += 1
        self.last_paths[parent.pk] = page.path


def _insert_relations(page, relations: dict[str, list]) -> None:
    model = type(page)
    children = {r.get_accessor_name(): r for r in get_all_child_relations(model)}
    many = {f.name: f for f in get_all_child_m2m_relations(model)}
    unknown = set(relations) - set(children) - set(many)
    if unknown:
        raise ValueError(f"{model.__name__} has no relation {', '.join(sorted(unknown))}")
    # A new page has no rows in the relations it was not given.
    relations = {**dict.fromkeys(children, []), **relations}
    for name, objects in relations.items():
        if name in children:
            for child in objects:
                setattr(child, children[name].field.name, page)
            type_ = children[name].related_model
            objects = type_.objects.bulk_create(objects) if objects else []
        else:
            field = many[name]
            through = field.remote_field.through
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            through.objects.bulk_create(
                [through(**{f"{source}_id": page.pk, f"{target}_id": obj.pk}) for obj in objects]
            )
        # Public modelcluster API: assigning a relation keeps these objects in memory.
        setattr(page, name, objects)
