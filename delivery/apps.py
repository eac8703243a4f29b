from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "delivery"
    verbose_name = "Diffusion"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from delivery import signals

        signals.connect()
