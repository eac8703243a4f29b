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


@hooks.register("construct_page_chooser_queryset")
def chooser_rows_with_their_status(pages, request):
    """The chooser's status column asks each row for its approved schedule and its workflow;
    read both with the pages instead, as Wagtail's own explorer listing does (the parents are
    read by cms/admin_chooser.py)."""
    return pages.annotate_approved_schedule().prefetch_workflow_states()
