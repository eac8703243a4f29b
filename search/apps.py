from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms.graphql.dependencies import register_root_field
        from news.dependencies import SEARCH, STRUCTURE
        from search import signals

        signals.connect()
        # Results record the articles they show; any article change bumps SEARCH.
        register_root_field("search", STRUCTURE, SEARCH)
