"""The article body: one StreamField block set, reused by every page type that has a body.

Each block declares what it exposes in GraphQL next to its fields, so the stored shape and the
API shape are read together.
"""

from django.utils.translation import gettext_lazy as _
from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLField, GraphQLString
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from cms.graphql.types import ImageType, ImageView
from news.richtext import render_rich_text, safe_url

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "superscript", "subscript"]


@register_streamfield_block
class ParagraphBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Texte"))

    graphql_fields = [GraphQLString("html", required=True, source="get_html")]

    def get_html(self, info, values, **kwargs):
        return render_rich_text(values["text"], info=info)

    class Meta:
        icon = "pilcrow"
        label = _("Paragraphe")
        help_text = _("Un paragraphe de texte courant.")
        graphql_description = "A paragraph of sanitised HTML."


@register_streamfield_block
class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=255, label=_("Intertitre"))
    level = blocks.ChoiceBlock(
        choices=[("h2", "H2"), ("h3", "H3")], default="h2", label=_("Niveau")
    )

    graphql_fields = [GraphQLString("text", required=True), GraphQLString("level", required=True)]

    class Meta:
        icon = "title"
        label = _("Intertitre")
        help_text = _("Un intertitre qui découpe l'article (h2 ou h3).")
        graphql_description = "A subheading, level h2 or h3."


@register_streamfield_block
class PullQuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Citation"), help_text=_("Sans les guillemets « »."))
    attribution = blocks.CharBlock(required=False, max_length=255, label=_("Auteur"))
    attribution_role = blocks.CharBlock(required=False, max_length=255, label=_("Fonction"))

    graphql_fields = [
        GraphQLString("text", required=True),
        GraphQLString("attribution", required=True),
        GraphQLString("attribution_role", required=True),
    ]

    class Meta:
        icon = "openquote"
        label = _("Citation")
        help_text = _("Une citation mise en exergue, avec son auteur et sa fonction.")
        graphql_description = "A pull quote with who said it and in what capacity."


@register_streamfield_block
class BodyImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(required=False, max_length=500, label=_("Légende"))
    credit = blocks.CharBlock(required=False, max_length=255, label=_("Crédit"))
    alt = blocks.CharBlock(
        required=False,
        max_length=255,
        label=_("Texte alternatif"),
        help_text=_("Décrit l'image pour les lecteurs d'écran."),
    )

    graphql_fields = [GraphQLField("image", ImageType, source="get_image")]

    def get_image(self, info, values, **kwargs):
        image = values["image"]
        if image is None:
            return None
        return ImageView(
            image, alt=values["alt"], caption=values["caption"], credit=values["credit"]
        )

    class Meta:
        icon = "image"
        label = _("Image")
        help_text = _("Une image dans le corps de l'article, avec légende et crédit.")
        graphql_description = "An image inside the body, with caption, credit and alt text."


@register_streamfield_block
class EmbedBodyBlock(blocks.StructBlock):
    url = blocks.URLBlock(label=_("Adresse"), help_text=_("Vidéo ou publication sociale."))
    caption = blocks.CharBlock(required=False, max_length=500, label=_("Légende"))

    graphql_fields = [
        GraphQLString("url", required=True, source="get_url"),
        GraphQLString("caption", required=True),
        GraphQLString("provider", required=True, source="get_provider"),
    ]

    def get_url(self, info, values, **kwargs):
        return safe_url(values["url"])

    def get_provider(self, info, values, **kwargs):
        from news.embeds import provider_for_url

        return provider_for_url(safe_url(values["url"]))

    class Meta:
        icon = "media"
        label = _("Intégration")
        help_text = _("Une vidéo ou une publication de réseau social, par son adresse.")
        graphql_description = "A video or social post, by URL; frontends render the player."


@register_streamfield_block
class InlineRelatedBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock(page_type="news.ArticlePage", label=_("Article"))
    label = blocks.CharBlock(
        required=False, max_length=60, label=_("Libellé"), help_text=_("Par défaut « Lire aussi »")
    )

    graphql_fields = [
        GraphQLString("label", required=True, source="get_label"),
        GraphQLField("article", lambda: _article_type(), source="get_article"),
    ]

    def get_label(self, info, values, **kwargs):
        return values["label"] or "Lire aussi"

    def get_article(self, info, values, **kwargs):
        from news.selectors import public_page_or_none

        return public_page_or_none(values["page"], info=info)

    class Meta:
        icon = "link"
        label = _("Lire aussi")
        help_text = _("Un renvoi vers un autre article, au fil du texte.")
        graphql_description = "An inline 'Lire aussi' link to another live article."


@register_streamfield_block
class FactBoxBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=255, label=_("Titre"))
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Texte"))

    graphql_fields = [
        GraphQLString("title", required=True),
        GraphQLString("html", required=True, source="get_html"),
    ]

    def get_html(self, info, values, **kwargs):
        return render_rich_text(values["text"], info=info)

    class Meta:
        icon = "doc-full"
        label = _("Encadré")
        help_text = _("Un encadré : repères, chiffres clés, chronologie.")
        graphql_description = "A fact box: a title and a short rich text."


def _article_type():
    from grapple.registry import registry

    from news.models import ArticlePage

    return registry.pages[ArticlePage]


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock()
    heading = HeadingBlock()
    pull_quote = PullQuoteBlock()
    image = BodyImageBlock()
    embed = EmbedBodyBlock()
    related = InlineRelatedBlock()
    fact_box = FactBoxBlock()


BODY_BLOCK_TYPES = tuple(ArticleBodyBlock.base_blocks.keys())
