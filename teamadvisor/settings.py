"""TeamAdvisor settings: one file, every deployment choice read from the environment.

Variables: DJANGO_DEBUG, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL,
DJANGO_MEDIA_ROOT, DJANGO_SECURE_SSL_REDIRECT, DJANGO_HSTS_SECONDS,
DJANGO_SECURE_COOKIES, TEAMADVISOR_STARTS_PER_HOUR, TEAMADVISOR_PROXY_HOPS,
DJANGO_AXES_FAILURE_LIMIT, TEAMADVISOR_LOGIN_FAILURES_PER_USERNAME,
TEAMADVISOR_LOGIN_FAILURES_PER_ADDRESS, TEAMADVISOR_DRAFT_RETENTION_DAYS,
EMAIL_URL, DJANGO_DEFAULT_FROM_EMAIL,
TEAMADVISOR_SITE_URL, TEAMADVISOR_LINK_MAILS_PER_HOUR,
TEAMADVISOR_LINK_MAILS_PER_ADDRESS_PER_HOUR,
TEAMADVISOR_PREPARED_STATEMENTS. See README.
"""

import os
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from teamadvisor.env import (
    envaddress,
    envbool,
    envdatabase,
    envemail,
    envint,
    envlist,
    envsecret,
    envurl,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DJANGO_DEBUG", False)

# A key of only whitespace counts as missing: it is as guessable as none.
SECRET_KEY = envsecret("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set (not blank) when DJANGO_DEBUG is off "
            "(generate one with: python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))')"
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DJANGO_DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = envlist(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when debug is off")

INSTALLED_APPS = [
    "assessments.apps.ConsultantsAdminConfig",  # django.contrib.admin
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "assessments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "teamadvisor.private_pages.PrivatePagesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns lockouts into responses.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses logins from a locked-out user or address before any check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Admin brute-force protection: 5 failures for one username from one address
# lock that pair out for an hour.
AXES_FAILURE_LIMIT = envint("DJANGO_AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 1  # hours
# Per username and address, per username, per address: see login_limits.py.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_HANDLER = "teamadvisor.login_limits.ScaledLimitsHandler"
TEAMADVISOR_LOGIN_FAILURES_PER_USERNAME = envint(
    "TEAMADVISOR_LOGIN_FAILURES_PER_USERNAME", 20, minimum=1
)
TEAMADVISOR_LOGIN_FAILURES_PER_ADDRESS = envint(
    "TEAMADVISOR_LOGIN_FAILURES_PER_ADDRESS", 20, minimum=1
)
# An off-site or missing "next" after the admin login: the admin's home, not
# Django's default /accounts/profile/, which does not exist here.
LOGIN_REDIRECT_URL = "admin:index"
LOGIN_URL = "admin:login"
AXES_RESET_ON_SUCCESS = True
# The same notion of "client address" as the start rate limit: behind our
# proxies, the proxy's own address would lock everybody out at once.
AXES_CLIENT_IP_CALLABLE = "assessments.views.client_address"
# Reverting a review to an old version would bypass the review form's rules.
# This hides the button; AssessmentAdmin.history_form_view refuses the POST.
SIMPLE_HISTORY_REVERT_DISABLED = True
# The history page (and the history on the detail page) needs the history
# model's own view permission, not just view_assessment; consultants have it.
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

ROOT_URLCONF = "teamadvisor.urls"
WSGI_APPLICATION = "teamadvisor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

DATABASES = {
    "default": envdatabase(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock when a transaction begins, so concurrent writers wait
    # for each other instead of failing with "database is locked" when both
    # try to upgrade a read lock (two starts from one address, say).
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Client pages read their state with a prepared statement on PostgreSQL
# (assessments/render_cache.py). Off behind a pooler in transaction mode
# (pgbouncer's default), where the next statement may reach another session.
TEAMADVISOR_PREPARED_STATEMENTS = envbool("TEAMADVISOR_PREPARED_STATEMENTS", True)

CACHES = {
    # Short-lived figures (the peer figures); a LocMemCache per process.
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Rendered pages and fields reused across requests
    # (assessments/render_cache.py): per process by design, never shared, so
    # a deploy starts it empty. At most 500 entries of 5-80 KB: under 40 MB a
    # process.
    "rendered": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "rendered",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}

STORAGES = {
    # Generated PDFs; point DJANGO_MEDIA_ROOT at shared storage when running
    # several app servers. They are served through views, never from MEDIA_URL.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# No inline script or style anywhere: every page must work under this policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Private links carry the token in the path; never send it to another origin.
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Only the load test on plain-HTTP loopback turns this off.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", True)

# New assessments one client address may start per hour (429 beyond).
TEAMADVISOR_STARTS_PER_HOUR = envint("TEAMADVISOR_STARTS_PER_HOUR", 20, minimum=1)
# Reverse proxies in front of the app that append to X-Forwarded-For; 0 means
# the app faces clients directly and REMOTE_ADDR is the client's address.
TEAMADVISOR_PROXY_HOPS = envint("TEAMADVISOR_PROXY_HOPS", 0)
# Drafts nobody touched for this many days are removed (assessments/retention.py).
TEAMADVISOR_DRAFT_RETENTION_DAYS = envint(
    "TEAMADVISOR_DRAFT_RETENTION_DAYS", 90, minimum=1
)

# Background work (PDFs, mail): Django's tasks framework (the django-tasks
# backport) with its database backend, so SQLite needs no extra server and
# PostgreSQL takes any number of `manage.py db_worker` processes.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Mail: the console in development (run-dev prints every mail), otherwise
# EMAIL_URL, or Django's own default: SMTP to a relay on localhost:25.
_mail = envemail("EMAIL_URL", "console:" if DEBUG else "smtp://localhost:25")
EMAIL_BACKEND = _mail["EMAIL_BACKEND"]
EMAIL_HOST = _mail["EMAIL_HOST"]
EMAIL_PORT = _mail["EMAIL_PORT"]
EMAIL_HOST_USER = _mail["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _mail["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _mail["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _mail["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = _mail["EMAIL_TIMEOUT"]
EMAIL_FILE_PATH = _mail["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = SERVER_EMAIL = envaddress(
    "DJANGO_DEFAULT_FROM_EMAIL", "TeamAdvisor <webmaster@localhost>"
)
# Links in mails are built on this address: mails are sent by a worker,
# outside any request. By default the first allowed host, over HTTPS.
if DEBUG:
    _site_url = "http://127.0.0.1:8000"
elif not ALLOWED_HOSTS[0].startswith((".", "*")):
    _site_url = f"https://{ALLOWED_HOSTS[0]}"
else:
    _site_url = None  # a wildcard names no site: the variable is required
TEAMADVISOR_SITE_URL = envurl("TEAMADVISOR_SITE_URL", _site_url)
# "Send me my private link": mails one assessment may ask for per hour, and
# mails one client address may ask for per hour (over all its assessments).
TEAMADVISOR_LINK_MAILS_PER_HOUR = envint(
    "TEAMADVISOR_LINK_MAILS_PER_HOUR", 5, minimum=1
)
TEAMADVISOR_LINK_MAILS_PER_ADDRESS_PER_HOUR = envint(
    "TEAMADVISOR_LINK_MAILS_PER_ADDRESS_PER_HOUR", 20, minimum=1
)
# Seconds to wait before each new attempt at a mail the SMTP server refused
# for now (4xx) or could not take (connection lost, timeout): five attempts
# over about two and a half hours, then the task fails for good.
TEAMADVISOR_MAIL_RETRY_DELAYS = (60, 300, 1800, 7200)

# Every handler's formatter redacts private-link tokens (see log_redaction).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "redacted": {"()": "teamadvisor.log_redaction.RedactingFormatter"},
        "django.server": {
            "()": "teamadvisor.log_redaction.RedactingServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "redacted"},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # Django's default config gives "django" a console handler of its own
        # in debug, which does not redact: its records go to the root's.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # Django's own request log of runserver, with a redacting formatter.
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
        },
    },
}
