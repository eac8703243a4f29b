from wagtail import hooks


@hooks.register("register_rich_text_features", order=100)
def public_page_links(features):
    """After Wagtail's own registration, so this handler replaces its "page" link type."""
    from news.links import PublicPageLinkHandler

    features.register_link_type(PublicPageLinkHandler)
