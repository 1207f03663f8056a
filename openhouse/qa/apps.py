from django.apps import AppConfig


class QAConfig(AppConfig):
    name = "openhouse.qa"
    label = "qa"
    verbose_name = "Q&A sessions"
