from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and synthetic data for development, tests and benchmarks; never needed to serve."""

    name = "demo"
    verbose_name = "Demo data"
