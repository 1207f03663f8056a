from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "openhouse.api"
    label = "api"
