"""The newsroom's roles and its review workflow, created idempotently (`manage.py ensure_roles`).

- Rédacteurs write articles in the rubriques and submit them for review; they cannot publish.
- Secrétariat de rédaction reviews, edits, schedules and publishes in the rubriques.
- Rédaction en chef does everything editorial on the whole site, plus the newsletter box and
  webhooks.
- Administrateurs hold every permission.

Page permissions are granted on each rubrique (section-level); a new rubrique gets them when it
is created (see news.wagtail_hooks). Every rubrique runs the "Relecture" workflow: one review
task for the secrétariat (and the rédaction en chef).
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

WRITERS = "Rédacteurs"
DESK = "Secrétariat de rédaction"
CHIEFS = "Rédaction en chef"
ADMINS = "Administrateurs"
ROLES = (WRITERS, DESK, CHIEFS, ADMINS)

WORKFLOW = "Relecture"
REVIEW_TASK = "Relecture par le secrétariat"
# Wagtail's own default workflow, created by its migrations with an English name.
STOCK_WORKFLOW = "Moderators approval"

# Page permissions per role, granted on each rubrique (or on the home page for the chiefs).
SECTION_PAGE_PERMISSIONS = {
    WRITERS: ("add_page",),
    DESK: ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
}
SITE_PAGE_PERMISSIONS = {
    CHIEFS: (
        "add_page",
        "change_page",
        "publish_page",
        "bulk_delete_page",
        "lock_page",
        "unlock_page",
    ),  # fmt: skip
    ADMINS: (
        "add_page",
        "change_page",
        "publish_page",
        "bulk_delete_page",
        "lock_page",
        "unlock_page",
    ),  # fmt: skip
}
COLLECTION_PERMISSIONS = {
    WRITERS: ("add_image", "choose_image", "add_document", "choose_document"),
    DESK: (
        "add_image",
        "change_image",
        "choose_image",
        "add_document",
        "change_document",
        "choose_document",
    ),  # fmt: skip
    CHIEFS: (
        "add_image",
        "change_image",
        "delete_image",
        "choose_image",
        "add_document",
        "change_document",
        "delete_document",
        "choose_document",
    ),  # fmt: skip
}
# (app_label, codename) model permissions.
_SNIPPETS_WRITE = [
    ("news", "add_topic"),
    ("news", "change_topic"),
    ("news", "view_topic"),
    ("news", "view_author"),
]
_SNIPPETS_ALL = [
    *_SNIPPETS_WRITE,
    ("news", "add_author"),
    ("news", "change_author"),
    ("news", "delete_topic"),
    ("news", "delete_author"),
]
MODEL_PERMISSIONS = {
    WRITERS: [("wagtailadmin", "access_admin"), *_SNIPPETS_WRITE],
    DESK: [("wagtailadmin", "access_admin"), *_SNIPPETS_ALL],
    CHIEFS: [
        ("wagtailadmin", "access_admin"),
        *_SNIPPETS_ALL,
        ("newsletter", "change_newslettersettings"),
        ("newsletter", "view_subscriber"),
        ("delivery", "add_webhookendpoint"),
        ("delivery", "change_webhookendpoint"),
        ("delivery", "delete_webhookendpoint"),
        ("delivery", "view_webhookendpoint"),
        ("delivery", "change_webhookdelivery"),
        ("delivery", "view_webhookdelivery"),
        ("wagtailredirects", "add_redirect"),
        ("wagtailredirects", "change_redirect"),
        ("wagtailredirects", "delete_redirect"),
    ],
}


def _permissions(pairs) -> list[Permission]:
    found = []
    for app_label, codename in pairs:
        permission = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if permission is None:
            raise LookupError(f"Permission {app_label}.{codename} is missing; run migrate first.")
        found.append(permission)
    return found


def _page_permission(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)


@transaction.atomic
def ensure_roles() -> dict[str, Group]:
    """Create or complete the four groups, their permissions and the "Relecture" workflow on
    every rubrique. Safe to run any number of times; it only adds what is missing."""
    from news.models import SectionPage

    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}
    for name, pairs in MODEL_PERMISSIONS.items():
        groups[name].permissions.add(*_permissions(pairs))
    # Administrators: everything, present and future models included at the next run.
    groups[ADMINS].permissions.add(*Permission.objects.all())

    root_collection = Collection.get_first_root_node()
    for name, codenames in COLLECTION_PERMISSIONS.items():
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=groups[name],
                collection=root_collection,
                permission=Permission.objects.get(codename=codename),
            )
    for codename in COLLECTION_PERMISSIONS[CHIEFS]:
        GroupCollectionPermission.objects.get_or_create(
            group=groups[ADMINS],
            collection=root_collection,
            permission=Permission.objects.get(codename=codename),
        )

    for home in Page.get_first_root_node().get_children():
        for name, codenames in SITE_PAGE_PERMISSIONS.items():
            for codename in codenames:
                GroupPagePermission.objects.get_or_create(
                    group=groups[name], page=home, permission=_page_permission(codename)
                )

    workflow = ensure_workflow(groups)
    for section in SectionPage.objects.all():
        grant_section(section, groups=groups, workflow=workflow)
    _retire_stock_workflow(workflow)
    return groups


def ensure_workflow(groups: dict[str, Group] | None = None) -> Workflow:
    groups = groups or {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    task = GroupApprovalTask.objects.filter(name=REVIEW_TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=REVIEW_TASK)
    task.groups.add(groups[DESK], groups[CHIEFS])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    return workflow


def grant_section(section, *, groups=None, workflow=None) -> None:
    """Section-level permissions and the review workflow for one rubrique."""
    groups = groups or {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}
    for name, codenames in SECTION_PAGE_PERMISSIONS.items():
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=groups[name], page=section, permission=_page_permission(codename)
            )
    workflow = workflow or ensure_workflow(groups)
    WorkflowPage.objects.update_or_create(page=section, defaults={"workflow": workflow})


def _retire_stock_workflow(workflow: Workflow) -> None:
    # Wagtail's English default workflow sits on the root page: pages outside the rubriques
    # (the home page) get "Relecture" too, and the stock one is turned off when nothing is in
    # progress in it.
    stock = Workflow.objects.filter(name=STOCK_WORKFLOW).first()
    if stock is None:
        return
    WorkflowPage.objects.filter(workflow=stock).update(workflow=workflow)
    if stock.active and not stock.workflow_states.filter(status="in_progress").exists():
        stock.active = False
        stock.save(update_fields=["active"])
