"""Settings for factcheck, read from the environment.

The tests run on factcheck/settings_test.py: these, with the tests' defaults.

DATABASE_URL   database (default: SQLite file db.sqlite3 beside manage.py)
SECRET_KEY     required unless DEBUG is on
DEBUG          "1"/"true" turns debug mode on; off by default
ALLOWED_HOSTS  comma-separated host names (default: localhost names)
IMPORT_MAX_BYTES  largest article file or text accepted by the importer
TRUSTED_PROXIES   how many reverse proxies (that append X-Forwarded-For) stand
                  in front of the app (default 0: the header is ignored)
REDIS_URL      a Redis server for the shared cache (default: a database table)
SQLITE_TIMEOUT seconds a SQLite write waits for another one to finish (20)
SQLITE_CACHE_MB  most memory each SQLite connection keeps pages in (64)
FETCH_ENABLED  "0" turns fetching links off (imports from links, source archiving)
TASKS_BACKEND  where background work is queued: "database" (default), "rq"
               (Redis, at REDIS_URL) or "immediate" (at once, in the request;
               the tests' default)
FETCH_TIMEOUT  seconds a fetch of a link (import, source archive) may take
FETCH_ALLOWED_HOSTS  comma-separated hosts fetched even at private addresses
SOURCE_SNAPSHOT_MAX_BYTES  largest source page kept in an archived copy
DB_CONN_MAX_AGE  seconds a database connection is kept for the next request (60)
DB_CONN_HEALTH_CHECKS  "1" checks a kept connection (one round trip) before
               each request reuses it; off by default, as the database is on
               the same network and a dropped connection fails that request only
TOKEN_CACHE_SECONDS  how long a worker remembers an API key's user (30)
ROLE_CACHE_SECONDS   how long a worker remembers each role's permissions (60)
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or set DEBUG=1 "
            "for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "rest_framework",
    # Kept for its migrations (0003 depends on them); its table is emptied by
    # 0006, and keys live hashed in annotations.ApiToken.
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "annotations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "factcheck.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as its documentation asks: it answers locked-out sign-ins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "factcheck.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        # A health check is a round trip before every request's first query.
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS"),
    )
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite as a real default: with WAL, readers and the one writer do not
    # block each other; IMMEDIATE takes the write lock when a transaction
    # begins, so a second writer waits for it (up to the timeout, in
    # seconds) instead of failing at once with "database is locked". SQLite's
    # own page cache (2 MB) holds the claims' indexes of a few articles only:
    # past about 100,000 claims every insert and look-up then waits on pages
    # (bench/import_bench.py halved); the cache grows as pages are read.
    cache_kib = 1024 * int(os.environ.get("SQLITE_CACHE_MB", "64"))
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        f"PRAGMA cache_size=-{cache_kib}",
        "transaction_mode": "IMMEDIATE",
        "timeout": int(os.environ.get("SQLITE_TIMEOUT", "20")),
        **DATABASES["default"].get("OPTIONS", {}),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache for every worker process, so throttle counts hold across them: a
# database table by default (created by migration 0006 and by
# `manage.py createcachetable`), Redis when REDIS_URL is set.
CACHE_TABLE = "factcheck_cache"
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
        if os.environ.get("REDIS_URL")
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
        }
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

AUTHENTICATION_BACKENDS = [
    # Refuses sign-ins for a while after repeated failures (django-axes).
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with role permissions remembered per process; it decides
    # every permission check.
    "annotations.roles.RoleBackend",
    # Only so that sessions signed in through it before stay signed in.
    "django.contrib.auth.backends.ModelBackend",
]
# A revoked key or a changed role takes effect in other worker processes
# within these many seconds (at once in the one that made the change).
TOKEN_CACHE_SECONDS = int(os.environ.get("TOKEN_CACHE_SECONDS", "30"))
ROLE_CACHE_SECONDS = int(os.environ.get("ROLE_CACHE_SECONDS", "60"))
# Writes compile their SQL once per statement shape (annotations/queries/
# prepared.py). The tests turn this on (settings_test.py): each run then also
# compiles afresh and fails if the SQL differs from the one cached.
PREPARED_CHECK = False
# How many reverse proxies we run in front of the app, each appending the
# address it received from to X-Forwarded-For (factcheck/proxies.py). With 0
# the header is ignored: a client could write anything in it.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
# Lock-outs count the client's address, not the proxy's.
AXES_CLIENT_IP_CALLABLE = "factcheck.proxies.client_address"
# Five wrong passwords for one account from one address lock that pair out
# for 15 minutes; other editors and addresses are unaffected.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
# registration/locked_out.html tells people this duration.
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Each history record's user is set by the service that writes it.
SIMPLE_HISTORY_REVERT_DISABLED = True
# History is read per object, article and editor (annotations/history.py),
# never by date alone: an index on the date only slowed every write.
SIMPLE_HISTORY_DATE_INDEX = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "desk:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads above this are refused by the importer before they are decoded.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
# A JSON body carries the text escaped: \uXXXX is 6 bytes for a Chinese
# character's 3 in UTF-8, a surrogate pair 12 for 4, \n or \" 2 for 1. So
# bodies up to three times the import limit (plus room for the other fields)
# are read, and the importer, not a generic refusal, judges the text itself.
DATA_UPLOAD_MAX_MEMORY_SIZE = 3 * IMPORT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Fetching links (annotations/fetching.py). Private, loopback, link-local and
# multicast addresses are refused unless their host is listed here: only for
# a trusted intranet host, or the tests' server on 127.0.0.1.
FETCH_TIMEOUT = float(os.environ.get("FETCH_TIMEOUT", "15"))
# Off, nothing is fetched: imports from a link are refused and sources are not
# archived.
FETCH_ENABLED = env_bool("FETCH_ENABLED", True)
FETCH_ALLOWED_HOSTS = env_list("FETCH_ALLOWED_HOSTS", "")
# Source snapshots keep at most this much of the fetched page.
SOURCE_SNAPSHOT_MAX_BYTES = int(
    os.environ.get("SOURCE_SNAPSHOT_MAX_BYTES", str(5 * 1024 * 1024))
)

# Production hardening, on whenever DEBUG is off; each can be turned off for a
# deployment behind a proxy that already does it.
SECURE_CONTENT_TYPE_NOSNIFF = True
# Scripts only from our origin (no inline scripts, no eval); inline style
# attributes stay allowed for the Django admin and Swagger UI.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "filters": {
        "database_unavailable": {"()": "factcheck.errors.DatabaseUnavailableFilter"}
    },
    # django-axes logs every successful sign-in at INFO; lock-outs are warnings.
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": {"filters": ["database_unavailable"]},
    },
}

REST_FRAMEWORK = {
    # Token first: anonymous API clients get 401 with WWW-Authenticate: Token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "annotations.api.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["annotations.api.permissions.EditorOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": [
        "annotations.api.rendering.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "annotations.api.pagination.Cursor",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["annotations.api.throttling.AnonThrottle"],
    # DRF's own idea of the client address agrees with factcheck/proxies.py.
    "NUM_PROXIES": TRUSTED_PROXIES,
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "120/minute")},
    "EXCEPTION_HANDLER": "annotations.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "factcheck API",
    "DESCRIPTION": (
        "Read and write fact-check verdicts, and export them as JSON, CSV, "
        "schema.org ClaimReview and W3C Web Annotation. Authenticate with a "
        "session or `Authorization: Token <token>`; anonymous clients may read "
        "only the public exports. Claim writes are guarded by versions: send "
        "`If-Match` with the claim's ETag (or `version` in the body)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Jobs have a kind and a status of their own, not the claims'.
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "annotations.models.Kind",
        "JobKindEnum": "annotations.models.JobKind",
        "JobStatusEnum": "annotations.models.JobStatus",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema states what the server refuses (annotations/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "annotations.api.schema.forbid_nul",
        "annotations.api.schema.require_bodies",
    ],
}

# Background work (annotations/jobs.py): analysis, webhook deliveries. The
# database queue needs nothing more (`manage.py db_worker` runs it); Redis
# through RQ is for installations that outgrow it (`manage.py rqworker`).
TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
TASKS_BACKEND = os.environ.get("TASKS_BACKEND") or "database"
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND is {TASKS_BACKEND!r}; use one of {', '.join(TASK_BACKENDS)}."
    )
TASKS = {"default": TASK_BACKENDS[TASKS_BACKEND]}
if TASKS_BACKEND == "rq":
    INSTALLED_APPS[-1:-1] = ["django_rq", "django_tasks_rq"]
RQ_QUEUES = {
    "default": {
        "URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "DEFAULT_TIMEOUT": 3600,
    }
}
# A failed job is tried again after JOB_RETRY_SECONDS, then twice that, ...,
# JOB_MAX_ATTEMPTS times in all; its last error stays on the job.
JOB_MAX_ATTEMPTS = int(os.environ.get("JOB_MAX_ATTEMPTS", "5"))
JOB_RETRY_SECONDS = float(os.environ.get("JOB_RETRY_SECONDS", "10"))

# Shown as the fact-checking organisation in exports.
FACTCHECK_ORGANISATION = os.environ.get("FACTCHECK_ORGANISATION", "factcheck desk")
# Where links in command-line exports point (the API uses the request's host).
FACTCHECK_BASE_URL = os.environ.get("FACTCHECK_BASE_URL", "http://127.0.0.1:8000")
