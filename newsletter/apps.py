from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = "Newsletter"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from cms.graphql.cache import invalidate_on_change
        from newsletter.admin_views import SubscriberPermissionPolicy
        from newsletter.models import NewsletterSettings, Subscriber

        register_permission_policy(
            Subscriber, SubscriberPermissionPolicy(Subscriber), exact_class=True
        )
        # The signup box's copy is part of the published answers.
        invalidate_on_change(NewsletterSettings)
