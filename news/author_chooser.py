"""The author picker: Wagtail's snippet chooser (search as you type, several authors at once
through the article form's MultipleChooserPanel) with each author's portrait in the results.

Portraits are admin thumbnails (PORTRAIT), made once per photo like Wagtail's own image
listing thumbnails, and read with the page of results in one query.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.images import get_image_model
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
)
from wagtail.snippets.views.snippets import SnippetViewSet

PORTRAIT = "fill-80x80"


class PortraitColumn(Column):
    cell_template_name = "news/tables/portrait_cell.html"


class PortraitsMixin:
    @property
    def columns(self):
        portrait = PortraitColumn("photo", label=_("Photo"), width="1%", sort_key=None)
        return [portrait, *super().columns]

    def get_object_list(self):
        renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=PORTRAIT)
        return (
            super()
            .get_object_list()
            .select_related("photo")
            .prefetch_related(Prefetch("photo__renditions", queryset=renditions))
        )


class AuthorChooseView(PortraitsMixin, ChooseView):
    pass


class AuthorChooseResultsView(PortraitsMixin, ChooseResultsView):
    pass


class AuthorChooserViewSet(SnippetChooserViewSet):
    choose_view_class = AuthorChooseView
    choose_results_view_class = AuthorChooseResultsView


class AuthorViewSet(SnippetViewSet):
    chooser_viewset_class = AuthorChooserViewSet
    chooser_per_page = 20
