from wagtail import hooks


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
