from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "delivery"
    verbose_name = "Diffusion"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from delivery import signals

        signals.connect()

        from cms.graphql.limits import register_page_size
        from delivery.schema import feed_page_size

        # The cost of a feed page is priced at the size `changes` really serves.
        register_page_size("Query", "changes", feed_page_size)
