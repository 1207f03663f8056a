"""Full-text search over accounts' handles and display names, in each database's own engine.

PostgreSQL: a GIN index on the tsvector expression feeds.discovery.account_document() builds (the two must
stay identical for the index to be used), created concurrently, so the migration is not atomic.

SQLite: an FTS5 table reading accounts_account as its content, kept in step by triggers. SQLite drops a
table's triggers when Django rebuilds the table (some later AlterField/AddField do): a migration that
rebuilds accounts_account must run SQLITE_TRIGGERS again. tests/feeds/test_discovery.py notices if not.
Other databases get neither, and search finds nothing there.
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    """
    CREATE INDEX CONCURRENTLY IF NOT EXISTS feeds_account_search_gin ON accounts_account USING gin ((
        setweight(to_tsvector('simple'::regconfig, COALESCE(translate(handle, '._', '  '), '')), 'A')
        || setweight(to_tsvector('simple'::regconfig, COALESCE(display_name, '')), 'B')
    ))
    """,
]
POSTGRESQL_BACKWARD = ["DROP INDEX CONCURRENTLY IF EXISTS feeds_account_search_gin"]

SQLITE_TABLE = """
    CREATE VIRTUAL TABLE IF NOT EXISTS feeds_account_search USING fts5(
        handle, display_name,
        content='accounts_account', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
"""
SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER IF NOT EXISTS feeds_account_search_insert AFTER INSERT ON accounts_account BEGIN
        INSERT INTO feeds_account_search (rowid, handle, display_name)
        VALUES (new.id, new.handle, new.display_name);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS feeds_account_search_delete AFTER DELETE ON accounts_account BEGIN
        INSERT INTO feeds_account_search (feeds_account_search, rowid, handle, display_name)
        VALUES ('delete', old.id, old.handle, old.display_name);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS feeds_account_search_update
    AFTER UPDATE OF handle, display_name ON accounts_account BEGIN
        INSERT INTO feeds_account_search (feeds_account_search, rowid, handle, display_name)
        VALUES ('delete', old.id, old.handle, old.display_name);
        INSERT INTO feeds_account_search (rowid, handle, display_name)
        VALUES (new.id, new.handle, new.display_name);
    END
    """,
]
SQLITE_FORWARD = [
    SQLITE_TABLE,
    *SQLITE_TRIGGERS,
    "INSERT INTO feeds_account_search (feeds_account_search) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS feeds_account_search_insert",
    "DROP TRIGGER IF EXISTS feeds_account_search_delete",
    "DROP TRIGGER IF EXISTS feeds_account_search_update",
    "DROP TABLE IF EXISTS feeds_account_search",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("feeds", "0001_timeline_entries"),
        ("accounts", "0002_follows_blocks_mutes"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}),
            elidable=False,
        ),
    ]
