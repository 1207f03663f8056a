from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "openhouse.feeds"
    label = "feeds"
