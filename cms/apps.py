from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Kiosque"

    def ready(self):
        # grapple has built its types by now (it is listed earlier); trim them to the public
        # contract before the schema is assembled at first import of grapple.schema.
        from cms.graphql.interfaces import restrict_registry

        restrict_registry()

        from cms.graphql.cache import connect_signals

        connect_signals()

        from cms import renditions

        renditions.connect_signals()
