"""Stock behaviour for the bench: Kiosque's batching resolvers replaced by what a plain grapple
project writes (each article reads its own image, topics and StreamField; rich text goes
through Wagtail's expand_db_html)."""

from django.apps import AppConfig


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

        def render(value, *, info=None):
            return richtext.render_rich_text(value, info=None)

        blocks.render_rich_text = render
