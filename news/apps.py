from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The response cache learns what newsroom answers read and what each change touches.
        from news import dependencies, invalidation, renders

        dependencies.register()
        invalidation.connect()
        # Stored renders are dropped by the same tags and rebuilt after the change commits.
        renders.connect()
