from django.apps import AppConfig


class WpImportConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "wpimport"
    verbose_name = "Import WordPress"
