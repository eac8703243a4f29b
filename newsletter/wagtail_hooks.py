from wagtail import hooks


@hooks.register("register_kiosque_query")
def add_newsletter_query(query_mixins):
    from newsletter.schema import NewsletterQuery

    query_mixins.append(NewsletterQuery)


@hooks.register("register_schema_mutation")
def add_newsletter_mutations(mutation_mixins):
    from newsletter.schema import NewsletterMutation

    mutation_mixins.append(NewsletterMutation)


@hooks.register("register_admin_viewset")
def register_subscriber_admin():
    from newsletter.admin_views import SubscriberViewSet

    return SubscriberViewSet()
