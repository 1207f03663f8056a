from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openhouse.core"
    label = "core"
