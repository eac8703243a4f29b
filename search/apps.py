from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms.graphql.dependencies import register_root_field
        from news.dependencies import SEARCH, STRUCTURE
        from search import signals

        signals.connect()
        # Results record the articles they show and the words they search for
        # (search.dependencies); SEARCH is bumped by what changes every answer.
        register_root_field("search", STRUCTURE, SEARCH)
