from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data of `make run` (``manage.py seed_demo``); no models, no pages."""

    name = "demo"
