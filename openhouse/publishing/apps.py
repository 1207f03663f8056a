from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "openhouse.publishing"
    label = "publishing"
