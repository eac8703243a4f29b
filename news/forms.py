"""The rubrique and article forms: slugs stay ASCII, and a slug clash names the page that
holds the slug.

WAGTAIL_ALLOW_UNICODE_SLUGS = False only changes how the admin builds a slug from the title;
Wagtail's slug field still accepts accents typed by hand, so the form refuses them.

Wagtail's message ("The slug is already in use within the parent page") does not say which page
it is. The usual culprit is invisible: the admin autosaves a new article as a draft as soon as
it has a title, so an abandoned attempt leaves a never-published draft holding the slug.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks.base import BlockWidget

from cms import upstream


class NewsroomPageForm(WagtailAdminPageForm):
    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if slug and not slug.isascii():
            raise ValidationError(
                _(
                    "L'identifiant ne peut contenir que des lettres sans accents, des chiffres "
                    "et des tirets, par exemple « %(example)s »."
                )
                % {"example": slugify(slug)},
            )
        return slug

    def clean(self):
        cleaned_data = super().clean()
        slug = self.data.get("slug")
        if "slug" in self.errors and slug and self.parent_page is not None:
            holder = (
                self.parent_page.get_children()
                .filter(slug=slug)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if holder is not None:
                self.errors["slug"] = self.error_class([_clash_message(slug, holder)])
        return cleaned_data


def _clash_message(slug: str, holder) -> str:
    if holder.live:
        state = _("article en ligne")
    elif holder.first_published_at is None:
        state = _("brouillon jamais publié, peut-être abandonné")
    else:
        state = _("article dépublié")
    return format_html(
        _(
            "L'identifiant « {slug} » est déjà pris dans cette rubrique par "
            '<a href="{url}">« {title} »</a> ({state}). Choisissez un autre identifiant, '
            "ou reprenez ou supprimez cette page."
        ),
        slug=slug,
        url=reverse("wagtailadmin_pages:edit", args=[holder.pk]),
        title=holder.title,
        state=state,
    )


class OrderedTopicsField(forms.ModelMultipleChoiceField):
    """The picker's topics in the order the editor left them (Django returns database order)."""

    def clean(self, value):
        topics = {str(topic.pk): topic for topic in super().clean(value)}
        return [topics[str(pk)] for pk in dict.fromkeys(value or ()) if str(pk) in topics]


# The body's block definitions (every block type, its fields, widgets and labels, ~20 KB of
# JSON) by (block, language): they depend on neither the page, the user nor the request, and
# Wagtail packs them again for every form.
_PACKED_BLOCKS: dict = {}


class ArticlePageForm(NewsroomPageForm):
    """The article form: its topics are the ordered `article_topics` rows of the page (or of the
    draft being edited), shown and saved in the picker's order; its body's block definitions are
    packed once per language and process."""

    pack_blocks_once = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        body = self.fields.get("body")
        if self.pack_blocks_once and body is not None and isinstance(body.widget, BlockWidget):
            block = body.widget.block_def  # the model field's, alive as long as the process
            key = (id(block), translation.get_language())
            upstream.share_block_definitions(body.widget, _PACKED_BLOCKS, key)
        field = self.fields.get("topics")
        if field is None:
            return
        self.fields["topics"] = OrderedTopicsField(
            queryset=field.queryset,
            widget=field.widget,
            required=False,
            label=field.label,
            help_text=field.help_text,
        )
        # The many-to-many field reads the live rows; a draft's topics are in its revision.
        self.initial["topics"] = [link.topic_id for link in self.instance.article_topics.all()]

    def save(self, commit=True):
        if "topics" in self.fields and "topics" in self.cleaned_data:
            self.instance.set_topics(self.cleaned_data["topics"])
        return super().save(commit=commit)

    def _save_m2m(self):
        # Topics are written with the page's child rows (set_topics), never straight to the
        # live table: that would publish a draft's topics.
        topics = self.cleaned_data.pop("topics", None)
        try:
            super()._save_m2m()
        finally:
            if topics is not None:
                self.cleaned_data["topics"] = topics
