import importlib

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _restore_sqlite_search_triggers(using: str, **kwargs) -> None:
    """SQLite drops a table's triggers when a migration rebuilds it; re-create the search ones (idempotent)."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    sql = importlib.import_module("openhouse.feeds.migrations.0002_account_search")

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'feeds_account_search'")
        if cursor.fetchone() is None:
            return
        for statement in sql.SQLITE_TRIGGERS:
            cursor.execute(statement)


class FeedsConfig(AppConfig):
    name = "openhouse.feeds"
    label = "feeds"

    def ready(self) -> None:
        post_migrate.connect(_restore_sqlite_search_triggers, sender=self)
