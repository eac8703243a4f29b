from wagtail import hooks


@hooks.register("register_schema_query", order=1000)
def kiosque_query_fields(query_mixins):
    """Replace grapple's generic root fields (pages, search, images, snippets, redirects,
    settings...) with Kiosque's own: those generic fields return drafts, private pages and
    internal fields, and frontends do not need them."""
    from cms.graphql.interfaces import restrict_registry

    # Feature apps add their root fields through `register_kiosque_query`; the hooks' `order`
    # sets the order of the fields in the schema.
    query_mixins[:] = []
    for fn in hooks.get_hooks("register_kiosque_query"):
        fn(query_mixins)
    # grapple's own hook has just re-registered its generic Page type; drop it again.
    restrict_registry()
