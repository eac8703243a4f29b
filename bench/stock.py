"""Stock behaviour for the bench: Kiosque's batching resolvers replaced by what a plain grapple
project writes (each article reads its own image, topics and StreamField; rich text goes
through Wagtail's expand_db_html)."""

from django.apps import AppConfig


def _unlink_non_public_pages(source: str) -> str:
    """Turn links to draft, unpublished or restricted pages into bare <a>: Wagtail's own
    expansion gives every page's URL, which would reveal unpublished slugs."""
    from wagtail.models import Page
    from wagtail.rich_text.rewriters import FIND_A_TAG, extract_attrs

    if 'linktype="page"' not in source:
        return source
    ids = set()
    for match in FIND_A_TAG.finditer(source):
        attrs = extract_attrs(match.group(1))
        if attrs.get("linktype") == "page" and attrs.get("id", "").isdigit():
            ids.add(int(attrs["id"]))
    public = set()
    if ids:
        public_ids = Page.objects.live().public().filter(pk__in=ids).values_list("pk", flat=True)
        public = {str(pk) for pk in public_ids}

    def replace(match):
        attrs = extract_attrs(match.group(1))
        if attrs.get("linktype") == "page" and attrs.get("id") not in public:
            return "<a>"
        return match.group(0)

    return FIND_A_TAG.sub(replace, source)


class StockConfig(AppConfig):
    name = "bench"
    label = "bench_stock"

    def ready(self):
        from cms.graphql import types
        from news import blocks, models, richtext

        def lead_image_view(self, info, **kwargs):
            if not self.lead_image_id:
                return None
            return types.ImageView(self.lead_image, alt=self.lead_image_alt,
                                   caption=self.lead_image_caption,
                                   credit=self.lead_image_credit)  # fmt: skip

        models.ArticlePage.lead_image_view = lead_image_view
        models.ArticlePage.topic_list = lambda self, info, **kw: list(self.topics.all())
        models.ArticlePage.author_list = lambda self, info, **kw: [
            link.author for link in self.article_authors.all()
        ]
        models.ArticlePage.body_blocks = lambda self, info, **kw: list(self.body)
        types.rendition_for = lambda image, spec: image.get_rendition(spec)

        from wagtail.rich_text import RichText, expand_db_html
        from wagtail.rich_text.rewriters import FIND_EMBED_TAG

        def render(value, *, info=None):
            # What a plain project does: Wagtail's own expansion, one lookup per text.
            if not value:
                return ""
            source = value.source if isinstance(value, RichText) else str(value)
            source = FIND_EMBED_TAG.sub("", source)
            return richtext.sanitise_html(expand_db_html(_unlink_non_public_pages(source)))

        blocks.render_rich_text = render
