"""openhouse settings: every knob is an OPENHOUSE_* environment variable with a safe default.

Each variable is documented by a `#:` comment; a test checks that the README's table lists them all.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from openhouse.core.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

#: Where the embedded default keeps its SQLite file and local media.
DATA_DIR = Path(env_str("OPENHOUSE_DATA_DIR", str(BASE_DIR / "var")))

#: Development mode: detailed error pages, no HTTPS requirements. Never in production.
DEBUG = env_bool("OPENHOUSE_DEBUG", False)

#: The secret key (or OPENHOUSE_SECRET_KEY_FILE). Required unless OPENHOUSE_DEBUG or OPENHOUSE_EMBEDDED is on.
_secret = env_secret("OPENHOUSE_SECRET_KEY")
#: The embedded first look (`make run`): SQLite, local disk, plain HTTP on 127.0.0.1, a generated secret.
EMBEDDED = env_bool("OPENHOUSE_EMBEDDED", False)
if not _secret:
    if not (DEBUG or EMBEDDED):
        raise ImproperlyConfigured(
            "Set OPENHOUSE_SECRET_KEY (or OPENHOUSE_SECRET_KEY_FILE); only the embedded first look may run without."
        )
    from openhouse.core.localsecret import local_secret_key

    _secret = local_secret_key(DATA_DIR)
SECRET_KEY = _secret
#: Earlier secret keys, comma-separated, while they are rotated out: sessions, reset links and recovery
#: codes made under them keep working until they are removed from this list.
SECRET_KEY_FALLBACKS = env_list("OPENHOUSE_SECRET_KEY_FALLBACKS", [])

#: Host names this site answers to, comma-separated.
ALLOWED_HOSTS = env_list("OPENHOUSE_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
#: The public origin of the site, e.g. https://social.example.org (used in e-mails and absolute links).
SITE_URL = env_str("OPENHOUSE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
#: How many reverse proxies sit in front of the app servers; their X-Forwarded-For entries are trusted.
TRUSTED_PROXY_COUNT = env_int("OPENHOUSE_TRUSTED_PROXIES", 0)

INSTALLED_APPS = [
    "openhouse.web.admin_apps.TwoFactorAdminConfig",  # django.contrib.admin behind two-factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "openhouse.core",
    "openhouse.audit",
    "openhouse.accounts",
    "openhouse.media",
    "openhouse.posts",
    "openhouse.social",
    "openhouse.qa",
    "openhouse.careers",
    "openhouse.publishing",
    "openhouse.feeds",
    "oauth2_provider",
    "ninja",
    "openhouse.api",
    "openhouse.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "openhouse.web.middleware.ClientAddressMiddleware",
    "openhouse.web.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "openhouse.web.middleware.DomainErrorMiddleware",
    "openhouse.api.middleware.ApiMiddleware",
]

ROOT_URLCONF = "openhouse.urls"
WSGI_APPLICATION = "openhouse.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "openhouse.web.context.header",
            ],
        },
    },
]

#: Database URL: sqlite:///path or postgres://user:pass@host:5432/name. Default: SQLite in the data dir.
DATABASE_URL = env_str("OPENHOUSE_DATABASE_URL", f"sqlite:///{DATA_DIR / 'openhouse.sqlite3'}")
#: Seconds a database connection is kept open between requests (PostgreSQL).
DATABASE_CONN_MAX_AGE = env_int("OPENHOUSE_DATABASE_CONN_MAX_AGE", 60)
#: Seconds a SQLite writer waits for the write lock before failing with "database is locked".
SQLITE_BUSY_TIMEOUT = env_int("OPENHOUSE_SQLITE_BUSY_TIMEOUT", 30, minimum=1)


def database_from_url(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=DATABASE_CONN_MAX_AGE, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # SQLite has one writer at a time. WAL lets readers and that writer overlap; IMMEDIATE takes the
        # write lock at BEGIN, so a transaction never fails halfway upgrading a read lock (a busy wait
        # cannot help that case); the busy timeout makes the other writers queue for the lock instead of
        # failing. 5 s was too short for 32 concurrent writers on 2 loaded cores (bench.launch --db sqlite).
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": SQLITE_BUSY_TIMEOUT,
        }
        config["CONN_MAX_AGE"] = 0
    return config


DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

#: Redis URL (redis://host:6379/0) for the cache and rate limits. Without it, a per-process memory cache.
REDIS_URL = env_str("OPENHOUSE_REDIS_URL", "")


def cache_from_url(url: str) -> dict:
    if url:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": "oh"}
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "openhouse"}


CACHES = {"default": cache_from_url(REDIS_URL)}
# Sessions are read on every signed-in request: from Redis when it is there (written through to the
# database, so nothing is lost when Redis restarts). Never from a per-process memory cache, where a
# logged-out session would stay valid in the other worker processes.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
)

#: Background tasks: "immediate" runs them in-process after commit; "database" queues them for `openhouse worker`.
TASK_BACKEND = env_str("OPENHOUSE_TASK_BACKEND", "immediate")
_TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if TASK_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"OPENHOUSE_TASK_BACKEND must be one of {sorted(_TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASK_BACKEND]}}

#: Media storage: "local" (files under the data dir) or "s3" (any S3-compatible service).
MEDIA_STORAGE = env_str("OPENHOUSE_MEDIA_STORAGE", "local")
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
if MEDIA_STORAGE == "local":
    _media_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": MEDIA_URL},
    }
elif MEDIA_STORAGE == "s3":
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            #: S3 bucket for media (with OPENHOUSE_MEDIA_STORAGE=s3).
            "bucket_name": env_str("OPENHOUSE_S3_BUCKET", ""),
            #: S3 endpoint URL, for S3-compatible services (MinIO, Ceph, ...). Empty means AWS.
            "endpoint_url": env_str("OPENHOUSE_S3_ENDPOINT_URL", "") or None,
            #: S3 region name.
            "region_name": env_str("OPENHOUSE_S3_REGION", "") or None,
            #: S3 access key id.
            "access_key": env_secret("OPENHOUSE_S3_ACCESS_KEY_ID"),
            #: S3 secret access key (or OPENHOUSE_S3_SECRET_ACCESS_KEY_FILE).
            "secret_key": env_secret("OPENHOUSE_S3_SECRET_ACCESS_KEY"),
            #: Public base URL media are served from (a CDN or the bucket's public address).
            "custom_domain": env_str("OPENHOUSE_S3_PUBLIC_DOMAIN", "") or None,
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
else:
    raise ImproperlyConfigured("OPENHOUSE_MEDIA_STORAGE must be 'local' or 's3'.")

# Uploaded originals of draft photos (for the pre-publication report and face blurring) live apart from
# served media until publication: on local disk outside MEDIA_ROOT, on S3 private objects with no public URL.
if MEDIA_STORAGE == "local":
    _originals_storage = {
        "BACKEND": "openhouse.media.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "originals"},
    }
else:
    _originals_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_media_storage["OPTIONS"],
            #: S3 bucket for draft photos' uploaded originals; it must not be public. Empty: the media bucket under originals/ (then keep that prefix out of any public bucket policy).
            "bucket_name": env_str("OPENHOUSE_S3_ORIGINALS_BUCKET", "")
            or _media_storage["OPTIONS"]["bucket_name"],
            "location": "originals",
            "custom_domain": None,
            "default_acl": "private",
            "querystring_auth": True,
            "object_parameters": {"CacheControl": "private, no-store"},
        },
    }

# Where browsers may load media from, besides this site (the S3 bucket or CDN).
MEDIA_ORIGINS = [f"https://{d}" for d in [env_str("OPENHOUSE_S3_PUBLIC_DOMAIN", "")] if d]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": _media_storage,
    "originals": _originals_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = EMBEDDED or DEBUG

AUTH_USER_MODEL = "accounts.Account"
AUTHENTICATION_BACKENDS = ["openhouse.accounts.backends.HandleOrEmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Reset links are single-use by construction (they hash the password) and last one hour, not Django's 3 days.
PASSWORD_RESET_TIMEOUT = 3600

# Two-factor authentication (django-otp): authenticator apps show codes under this name.
OTP_TOTP_ISSUER = "openhouse"
#: Hours an invitation link to join an organisation's team stays valid.
INVITATION_MAX_AGE_HOURS = env_int("OPENHOUSE_INVITATION_MAX_AGE_HOURS", 72, minimum=1)

#: How outgoing e-mail is sent: "smtp", or "console" (printed; the default of the embedded first look).
EMAIL_MODE = env_str("OPENHOUSE_EMAIL", "console" if (DEBUG or EMBEDDED) else "smtp")
if EMAIL_MODE == "console":
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
elif EMAIL_MODE == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                #: SMTP server host (with OPENHOUSE_EMAIL=smtp).
                "host": env_str("OPENHOUSE_EMAIL_HOST", "localhost"),
                #: SMTP port.
                "port": env_int("OPENHOUSE_EMAIL_PORT", 587),
                #: SMTP user name.
                "username": env_str("OPENHOUSE_EMAIL_USER", ""),
                #: SMTP password (or OPENHOUSE_EMAIL_PASSWORD_FILE).
                "password": env_secret("OPENHOUSE_EMAIL_PASSWORD", "") or "",
                #: Use STARTTLS for SMTP.
                "use_tls": env_bool("OPENHOUSE_EMAIL_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    raise ImproperlyConfigured("OPENHOUSE_EMAIL must be 'console' or 'smtp'.")
#: The From address of the site's e-mails.
DEFAULT_FROM_EMAIL = env_str("OPENHOUSE_EMAIL_FROM", "openhouse <no-reply@localhost>")

# Security: HTTPS everywhere except the embedded first look and development.
_https = not (DEBUG or EMBEDDED)
#: Redirect plain HTTP to HTTPS (turn off only when the proxy already does).
SECURE_SSL_REDIRECT = _https and env_bool("OPENHOUSE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = 31536000 if _https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [SITE_URL]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:", *MEDIA_ORIGINS],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

#: Seconds between sweeps for overdue work (scheduled posts), run by `openhouse worker`, and by `openhouse
#: serve` when tasks run in-process (OPENHOUSE_TASK_BACKEND=immediate); 0 turns the sweeper off.
SWEEP_SECONDS = env_int("OPENHOUSE_SWEEP_SECONDS", 15)

#: Accounts with more followers than this are merged into feeds at read time instead of fanned out on write.
FANOUT_MAX_FOLLOWERS = env_int("OPENHOUSE_FANOUT_MAX_FOLLOWERS", 10_000)

#: Questions one person may ask in a Q&A session, unless the team sets another number when opening it.
QA_QUESTIONS_PER_PERSON = env_int("OPENHOUSE_QA_QUESTIONS_PER_PERSON", 3, minimum=1)
#: How often (milliseconds) an open Q&A page asks whether answers were published (see openhouse/qa/live.py).
QA_POLL_MS = env_int("OPENHOUSE_QA_POLL_MS", 1000, minimum=250)
# The public API: OAuth 2 tokens (django-oauth-toolkit) and rate limits per token and per client address.
#: Seconds an API access token stays valid (Mastodon apps rarely refresh: the default is 90 days).
API_TOKEN_SECONDS = env_int("OPENHOUSE_API_TOKEN_SECONDS", 90 * 24 * 3600, minimum=60)
#: API requests one access token may make per rate-limit window.
API_RATE_PER_TOKEN = env_int("OPENHOUSE_API_RATE_PER_TOKEN", 300, minimum=1)
#: API requests one client address may make per rate-limit window, whatever the tokens.
API_RATE_PER_IP = env_int("OPENHOUSE_API_RATE_PER_IP", 7500, minimum=1)
#: Length of the API's rate-limit window, in seconds.
API_RATE_WINDOW = env_int("OPENHOUSE_API_RATE_WINDOW", 300, minimum=1)
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"


def _pkce_required(client_id: str) -> bool:
    from openhouse.api.oauth import pkce_required  # the app registry is ready by the time this is asked

    return pkce_required(client_id)


OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": API_TOKEN_SECONDS,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 300,
    # PKCE (S256 only) is honoured whenever a client sends a challenge and required of public clients;
    # Mastodon's apps are confidential clients that may omit it (Mastodon.py does), as on Mastodon.
    "PKCE_REQUIRED": _pkce_required,
    # Loopback http redirects (RFC 8252) for desktop apps; openhouse.api.services refuses any other http.
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "REQUEST_APPROVAL_PROMPT": "force",
    "SCOPES_BACKEND_CLASS": "openhouse.api.scopes.MastodonScopes",
    "ERROR_RESPONSE_WITH_SCOPES": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
}

# Upload limits. Django caps neither file sizes nor pixels; openhouse.media enforces these.
#: Largest accepted photo, in bytes.
MEDIA_MAX_BYTES = env_int("OPENHOUSE_MEDIA_MAX_BYTES", 30 * 1024 * 1024, minimum=1)
#: Longest accepted side of a photo, in pixels.
MEDIA_MAX_SIDE = env_int("OPENHOUSE_MEDIA_MAX_SIDE", 10_000, minimum=16)
#: Most pixels a photo may decode to (a 48-megapixel phone photo is about 48,800,000).
MEDIA_MAX_PIXELS = env_int("OPENHOUSE_MEDIA_MAX_PIXELS", 50_000_000, minimum=256)
# A request may carry a full carousel; anything bigger is refused before it is read.
REQUEST_MAX_BYTES = 10 * MEDIA_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Above the 10-photo limit, so an 11th photo gets our sentence rather than a bare 400.
DATA_UPLOAD_MAX_NUMBER_FILES = 20

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

#: Log level of the app servers and workers (DEBUG, INFO, WARNING, ERROR), Django's own loggers included.
LOG_LEVEL = env_str("OPENHOUSE_LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"OPENHOUSE_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {LOG_LEVEL!r}."
    )


def logging_config(level: str) -> dict:
    """Everything to one console handler at `level`.

    Django's default configuration gives the "django" logger level INFO and its own handlers, so its
    children (django.tasks, django.request) would ignore the root's level: it is set here as well, and
    records go up to the root's handler. The task backend's two lines per task (running, done) show only
    at DEBUG; a failing task is still logged at ERROR.
    """
    tasks_level = "WARNING" if level == "INFO" else level
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"console": {"class": "logging.StreamHandler", "level": level}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.tasks": {"handlers": [], "level": tasks_level, "propagate": True},
        },
    }


LOGGING = logging_config(LOG_LEVEL)
