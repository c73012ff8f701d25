"""The one settings module. Production differs only by environment variables
(twelve-factor); see the settings table in README.md."""

import os
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
TESTING = "pytest" in sys.modules or env_bool("TESTING")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(or DEBUG=1 for local development)."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_filters",
    "django_tasks_db",
    "jobsite",
    "listings",
    "profiles",
]

MIDDLEWARE = [
    # First: the real client address behind a proxy (rate limits count it).
    "jobsite.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jobsite.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # One reading of the live-data generation per request, from the page
    # cache's key on (listings/freshness.py).
    "listings.freshness.OneReadingMiddleware",
    # Inside session, CSRF and CSP: a kept page gets its visitor's cookies,
    # token and nonce from them (jobsite/pagecache.py).
    "jobsite.pagecache.PageCacheMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    # Inside the CSP middleware, so our replacement 405/410 pages get the header too.
    "jobsite.middleware.ErrorPageMiddleware",
    # Innermost: body-size cap (413) and control characters out of GET/POST.
    "jobsite.middleware.RequestGuardMiddleware",
]

ROOT_URLCONF = "jobsite.urls"
WSGI_APPLICATION = "jobsite.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jobsite.context_processors.site",
            ],
        },
    },
]

# Database: SQLite under var/ by default, PostgreSQL via DATABASE_URL.
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "staticfiles").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'jobsite.sqlite3'}",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's built-in psycopg pool; persistent connections must then be off.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    if env_bool("DATABASE_POOL", default=not TESTING):
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": 1,
            "max_size": int(os.environ.get("DATABASE_POOL_SIZE", "4")),
            "timeout": 5,
        }
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 3)
    # JIT compiles every search whose estimated cost passes jit_above_cost,
    # ~25 ms per query measured at 1,000,000 vacancies: more than the query.
    # Parallel workers make one search faster on an idle server and all of
    # them slower under load: the web workers already keep every core busy.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off -c max_parallel_workers_per_gather=0")
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL lets the dev server read while a command writes.
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "listings.User"
LOGIN_URL = "listings:login"
LOGIN_REDIRECT_URL = "listings:dashboard"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Hashing is deliberately slow; tests create many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Cache: local memory unless CACHE_URL / REDIS_URL names a Redis server.
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "jobsite.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "jobsite",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Internationalisation: German first, English complete.
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0


def mailers_from_url(url):
    """EMAIL_URL -> Django 6.1 MAILERS: smtp://user:pass@host:587, smtps://…,
    console://, locmem://, dummy://."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    simple = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
    }
    if scheme in simple:
        return {"default": {"BACKEND": simple[scheme]}}
    if scheme == "file":
        # file:///var/mail/jobsite: one file per connection, e.g. for a
        # separate worker process whose mails a test must read.
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "OPTIONS": {"file_path": unquote(parts.path)},
            }
        }
    if scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(f"EMAIL_URL scheme {scheme!r} is not supported.")
    query = parse_qs(parts.query)
    options = {
        "host": parts.hostname or "localhost",
        "port": parts.port or (465 if scheme == "smtps" else 587),
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "timeout": 10,
    }
    if scheme == "smtps":
        options["use_ssl"] = True
    elif query.get("tls", ["1"])[0] != "0":
        options["use_tls"] = True
    return {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}}


# Without EMAIL_URL, production hands mail to the host's own MTA (port 25, as
# Django's classic default did); the console backend is for development only
# and `check --deploy` rejects it.
MAILERS = mailers_from_url(
    os.environ.get("EMAIL_URL") or ("console://" if DEBUG or TESTING else "smtp://localhost:25?tls=0")
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "jobsite <noreply@jobsite.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: immediate in development and tests, the database-backed
# worker (manage.py db_worker) in production.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
            "dummy": "django.tasks.backends.dummy.DummyBackend",
        }.get(TASKS_BACKEND, TASKS_BACKEND),
    }
}

# Security. https-only settings switch on outside DEBUG; behind a proxy the
# X-Forwarded-Proto header tells Django the request was https.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not (DEBUG or TESTING))
SECURE_HSTS_SECONDS = 0 if (DEBUG or TESTING) else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not (DEBUG or TESTING)
CSRF_COOKIE_SECURE = not (DEBUG or TESTING)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = not (DEBUG or TESTING)
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Request limits: a clear 400/413 instead of unbounded memory use.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400
# Whole request body, uploads included (a logo is at most 2 MB, an ATS import
# file a few MB); larger requests get the 413 page unread.
REQUEST_MAX_BODY_SIZE = int(os.environ.get("REQUEST_MAX_BODY_SIZE", 10 * 1024 * 1024))
# Proxies in front of the site (e.g. 1 for one nginx); 0 trusts no
# X-Forwarded-For at all, so a visitor cannot fake their address.
TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))

RATELIMIT_VIEW = "jobsite.views.ratelimited"
CSRF_FAILURE_VIEW = "jobsite.views.csrf_failure"
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
