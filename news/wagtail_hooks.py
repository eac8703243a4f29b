from wagtail import hooks


@hooks.register("register_kiosque_query", order=-20)
def news_query(query_mixins):
    """The newsroom's root fields come first in the schema."""
    from news.schema import NewsQuery

    query_mixins.append(NewsQuery)


@hooks.register("register_rich_text_features", order=100)
def public_page_links(features):
    """After Wagtail's own registration, so this handler replaces its "page" link type."""
    from news.links import PublicPageLinkHandler

    features.register_link_type(PublicPageLinkHandler)


@hooks.register("construct_homepage_panels")
def newsroom_dashboard(request, panels):
    from news.dashboard import newsroom_panels

    newsroom_panels(panels)


@hooks.register("after_create_page")
def new_section_gets_roles(request, page):
    """A new rubrique gets the section-level permissions and the review workflow at once."""
    from news.models import SectionPage

    if isinstance(page.specific, SectionPage):
        from news import roles

        roles.grant_section(page)


@hooks.register("insert_editor_js")
def picker_in_the_admin_language():
    """The topic picker's reorder buttons and its words in the user's admin language."""
    from django.templatetags.static import static
    from django.utils.html import format_html, format_html_join
    from django.utils.translation import gettext as _

    words = {
        "create-before": _("Créer « "),
        "create-after": _(" »"),
        "remove": _("Retirer"),
        "none": _("Aucun sujet choisi."),
        "suggestion": _("suggestion"),
        "suggestions": _("suggestions"),
        "found": _(" : flèches haut et bas pour les parcourir."),
        "up": _("Monter"),
        "down": _("Descendre"),
    }
    attributes = format_html_join(" ", 'data-{}="{}"', words.items())
    return format_html('<script src="{}" {}></script>', static("news/picker.js"), attributes)


@hooks.register("register_admin_viewset")
def article_pages_viewset():
    """The explorer of a rubrique without the per-request scans of the page table."""
    from news.explorer import ArticlePageViewSet
    from news.models import ArticlePage

    return ArticlePageViewSet(model=ArticlePage)
