"""The newsroom dashboard: what an editor starts the day with.

Four panels on Wagtail's admin home page: "À relire" (pages awaiting a review task this user
may act on), "Mes brouillons", "Programmés" (with go-live time) and "Publiés récemment". Each
reads at most PANEL_SIZE rows through an index, in a fixed number of queries whatever the size
of the archive (tests/test_newsroom_dashboard.py counts them).
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component
from wagtail.models import Page, Revision, TaskState

from news.models import ArticlePage

PANEL_SIZE = 10


# --- selectors ------------------------------------------------------------------------------


def pages_to_review(*, user, limit: int = PANEL_SIZE) -> list[dict]:
    """In-progress review tasks this user may approve, newest first, with their page."""
    states = list(
        TaskState.objects.reviewable_by(user)
        .select_related("revision__user", "workflow_state")
        .order_by("-started_at")[:limit]
    )
    pages = Page.objects.in_bulk([int(state.workflow_state.object_id) for state in states])
    rows = []
    for state in states:
        page = pages.get(int(state.workflow_state.object_id))
        if page is not None:
            rows.append({"page": page, "when": state.started_at, "by": state.revision.user})
    return rows


def my_drafts(*, user, limit: int = PANEL_SIZE) -> QuerySet[Page]:
    """Pages this user owns with changes not yet published, latest edit first."""
    return (
        Page.objects.filter(owner=user, has_unpublished_changes=True)
        .exclude(depth__lte=2)
        .order_by("-latest_revision_created_at")[:limit]
    )


def scheduled(*, limit: int = PANEL_SIZE) -> list[dict]:
    """Revisions approved for a future go-live, soonest first."""
    revisions = list(
        Revision.objects.page_revisions()
        .filter(approved_go_live_at__isnull=False)
        .order_by("approved_go_live_at")
        .select_related("user")[:limit]
    )
    pages = Page.objects.in_bulk([int(revision.object_id) for revision in revisions])
    rows = []
    for revision in revisions:
        page = pages.get(int(revision.object_id))
        if page is not None:
            rows.append({"page": page, "when": revision.approved_go_live_at, "by": revision.user})
    return rows


def recently_published(*, limit: int = PANEL_SIZE) -> QuerySet[ArticlePage]:
    """Live articles, newest public date first (the article_pubdate index)."""
    return (
        ArticlePage.objects.live()
        .only("id", "title", "draft_title", "published_at", "live", "url_path")
        .order_by("-published_at", "-page_ptr")[:limit]
    )


# --- panels ---------------------------------------------------------------------------------


class NewsroomPanel(Component):
    template_name = "news/dashboard_panel.html"
    name = ""
    heading = ""
    empty = ""
    when_label = ""
    order = 100

    def rows(self, request) -> list[dict]:
        raise NotImplementedError

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        return {
            "panel_id": self.name,
            "heading": self.heading,
            "empty": self.empty,
            "when_label": self.when_label,
            "rows": self.rows(request),
        }


class ToReviewPanel(NewsroomPanel):
    name = "a-relire"
    heading = _("À relire")
    empty = _("Rien n'attend votre relecture.")
    when_label = _("Soumis")
    order = 90

    def rows(self, request):
        return pages_to_review(user=request.user)


class MyDraftsPanel(NewsroomPanel):
    name = "mes-brouillons"
    heading = _("Mes brouillons")
    empty = _("Vous n'avez aucun brouillon en cours.")
    when_label = _("Modifié")
    order = 91

    def rows(self, request):
        return [
            {"page": page, "when": page.latest_revision_created_at}
            for page in my_drafts(user=request.user)
        ]


class ScheduledPanel(NewsroomPanel):
    name = "programmes"
    heading = _("Programmés")
    empty = _("Aucune publication programmée.")
    when_label = _("Mise en ligne")
    order = 92

    def rows(self, request):
        return scheduled()


class RecentlyPublishedPanel(NewsroomPanel):
    name = "publies-recemment"
    heading = _("Publiés récemment")
    empty = _("Aucun article publié.")
    when_label = _("Publié")
    order = 93

    def rows(self, request):
        return [{"page": page, "when": page.published_at} for page in recently_published()]


NEWSROOM_PANELS = (ToReviewPanel, MyDraftsPanel, ScheduledPanel, RecentlyPublishedPanel)
# Wagtail's stock panels that ours replace (the same lists, unbounded or in English).
REPLACED = {"workflow_objects_to_moderate", "user_objects_in_workflow_moderation", "recent_edits"}


def newsroom_panels(panels: list) -> None:
    panels[:] = [panel for panel in panels if getattr(panel, "name", "") not in REPLACED]
    panels.extend(panel() for panel in NEWSROOM_PANELS)
