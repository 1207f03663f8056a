from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "openhouse.social"
    label = "social"
