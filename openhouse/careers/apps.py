from django.apps import AppConfig


class CareersConfig(AppConfig):
    name = "openhouse.careers"
    label = "careers"
