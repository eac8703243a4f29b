from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = "Newsletter"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from newsletter.admin_views import SubscriberPermissionPolicy
        from newsletter.models import Subscriber

        register_permission_policy(
            Subscriber, SubscriberPermissionPolicy(Subscriber), exact_class=True
        )
