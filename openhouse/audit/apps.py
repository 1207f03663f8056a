from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "openhouse.audit"
    label = "audit"
