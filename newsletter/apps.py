from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = "Newsletter"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from newsletter.admin_views import SubscriberPermissionPolicy
        from newsletter.models import NewsletterSettings, Subscriber

        register_permission_policy(
            Subscriber, SubscriberPermissionPolicy(Subscriber), exact_class=True
        )
        # The signup box is cached with the API's answers: its edits invalidate them.
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                _settings_changed, sender=NewsletterSettings, dispatch_uid=f"kiosque-box-{name}"
            )


def _settings_changed(sender, instance, **kwargs):
    from cms.graphql.cache import invalidate

    invalidate("newsletter")
