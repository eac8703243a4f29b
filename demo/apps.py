from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and benchmark content: builds whole sites, so it sits above every feature app."""

    name = "demo"
    verbose_name = "Démo"
