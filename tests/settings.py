"""Test settings: the real settings, pointed at the test database and Redis when CI provides them."""

import os
import tempfile

os.environ.setdefault("OPENHOUSE_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("OPENHOUSE_DATA_DIR", tempfile.mkdtemp(prefix="openhouse-test-"))
os.environ.setdefault("OPENHOUSE_SSL_REDIRECT", "false")

from openhouse.settings import *  # noqa: F403
from openhouse.settings import cache_from_url, database_from_url

DATABASES = {
    "default": database_from_url(os.environ.get("OPENHOUSE_TEST_DATABASE_URL") or "sqlite:///:memory:")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(os.environ["OPENHOUSE_DATA_DIR"], "test.sqlite3")}
_redis = os.environ.get("OPENHOUSE_TEST_REDIS_URL", "")
if _redis:
    # Each parallel test worker gets its own Redis database (15, 14, ...): tests clear the cache, and one
    # worker's clear must not wipe another's rate-limit counters.
    _base, _, _db = _redis.rstrip("/").rpartition("/")
    _worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)
    _redis = f"{_base}/{int(_db) - _worker}" if _db.isdigit() else _redis
REDIS_URL = _redis  # timelines (feeds.store) use the same test database
CACHES = {"default": cache_from_url(_redis)}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; Argon2 is tested separately
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise looks for it at start-up)
