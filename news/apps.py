from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms.graphql.cache import invalidate_on_change
        from news.models import Author, Topic

        # Articles show their authors and topics: an edit there changes published answers.
        invalidate_on_change(Author, Topic)
