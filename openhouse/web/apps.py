from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "openhouse.web"
    label = "web"
