"""Settings for the supervision portal.

Every value comes from the environment, read here and nowhere else. The
defaults are safe for production (DEBUG off, secure cookies, a secret key
required); config/settings_dev.py relaxes them for a developer's machine
and the test suite.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import environ
import pghistory
import pgtrigger
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The bureau this deployment serves when a record is created without one
# (seed data, imports); a province-wide deployment would run one per bureau.
PORTAL_BUREAU_CODE = env.str("PORTAL_BUREAU_CODE", default="330700")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "org",
    "intake",
    "cases",
    "inspections",
    "training",
    "reports",
]

MIDDLEWARE = [
    "config.middleware.ServerTimingMiddleware",
    "config.middleware.ApiNotFoundMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "org.twofactor.TwoFactorMiddleware",
    "org.security.SecurityEventMiddleware",
    "org.passwords.PasswordExpiryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Attributes every audited change to the request's user and path.
    "pghistory.middleware.HistoryMiddleware",
    # Last, as django-axes asks: it turns a lockout into a response.
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
                "org.context_processors.navigation",
            ],
        },
    },
]

# --- Database: PostgreSQL always. No DATABASE_URL → the embedded server. ---
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from config.embedded import embedded_postgres_url

    DATABASES = {"default": env.db_url_config(embedded_postgres_url(VAR_DIR / "pgdata"))}
DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# No JIT compilation: it spends 100–400 ms compiling a plan, which the portal's short statements
# never win back, and a trigger's plan cached by PL/pgSQL during a bulk statement kept it on for
# every later one-row save of that connection (360 ms per save after an import, measured).
_options = DATABASES["default"].setdefault("OPTIONS", {})
_options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
# Django turns psycopg's prepared statements off (None). Its own statements are bound on the
# client and never prepared either way; a threshold no statement reaches lets the on-save check
# prepare its one statement explicitly (cases.compliance._select_prepared).
_options.setdefault("prepare_threshold", 2**31 - 1)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ---
AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "org.passwords.ComplexityValidator"},
    {"NAME": "org.passwords.HistoryValidator"},
]
# Roles that log in with two factors (password + TOTP).
PORTAL_TWO_FACTOR_ROLES = env.list("PORTAL_TWO_FACTOR_ROLES", default=["supervisor", "leadership", "admin"])
OTP_TOTP_ISSUER = "执法监督平台"
PORTAL_ADMIN_PASSWORD_DAYS = env.int("PORTAL_ADMIN_PASSWORD_DAYS", default=90)
PORTAL_INACTIVE_DAYS = env.int("PORTAL_INACTIVE_DAYS", default=90)
PORTAL_BACKUP_DIR = env.path("PORTAL_BACKUP_DIR", default=VAR_DIR / "backups")
# Audit retention (等保三级: at least 6 months). Unset, nothing is ever pruned; set, the monthly
# task archives the audit trail older than this many months to PORTAL_AUDIT_ARCHIVE_DIR and
# removes it from the database (org/auditretention.py). A system check refuses less than 6.
PORTAL_AUDIT_RETENTION_MONTHS = env.int("PORTAL_AUDIT_RETENTION_MONTHS", default=None)
PORTAL_AUDIT_ARCHIVE_DIR = env.path("PORTAL_AUDIT_ARCHIVE_DIR", default=VAR_DIR / "audit-archive")

# Reporters' ID-card and phone numbers are encrypted at rest (org/crypto.py). Keys come from
# the environment only: "id:base64key" entries, the first encrypts, every one decrypts (add a
# new key in front, then `manage.py rotate_pii_key`); a separate key for the lookup hash.
# `python manage.py generate_pii_key` prints a new one.
PII_KEYS = env.list("PORTAL_PII_KEYS")
PII_HASH_KEY = env.str("PORTAL_PII_HASH_KEY")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Idle sessions end after 30 minutes: every request pushes the expiry on.
SESSION_COOKIE_AGE = env.int("PORTAL_SESSION_IDLE_SECONDS", default=30 * 60)
# The idle timeout is kept by config.middleware.IdleSessionMiddleware, which pushes the expiry
# on at most once per SESSION_REFRESH_SECONDS instead of writing the session on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env.int("PORTAL_SESSION_REFRESH_SECONDS", default=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lockout after 5 failures for 10 minutes, by account and, separately, by address.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=10)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The login form and the API token form both post the police number as "username".
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("PORTAL_TRUSTED_PROXY_COUNT", default=0)
AXES_VERBOSE = False

# --- Security (production defaults; a plain-http local run turns cookies off) ---
SECURE_COOKIES = env.bool("DJANGO_SECURE_COOKIES", default=True)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=SECURE_COOKIES)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000 if SECURE_COOKIES else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("DJANGO_BEHIND_PROXY", default=False) else None
)
X_FRAME_OPTIONS = "DENY"
# No inline scripts anywhere: every script is a static file (htmx attributes are not scripts).
# Inline style attributes stay allowed (progress bars set their width).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# An intranet host of a police bureau does not belong on the browsers' public HSTS preload list.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- Language: Chinese first, English second ---
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files: whitenoise under gunicorn ---
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Celery: Redis when REDIS_URL is set, else kombu's filesystem transport ---
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
else:
    from config.embedded import filesystem_broker_options

    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(VAR_DIR / "broker")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Exactly one beat runs these (make run starts one). Each task is safe to run twice.
CELERY_BEAT_SCHEDULE: dict = {
    # Accounts unused for 90 days are disabled.
    "org-disable-inactive": {"task": "org.disable_inactive_accounts", "schedule": crontab(hour=4, minute=0)},
    # The hash chain over the audit trail is rechecked every night.
    "org-verify-audit": {"task": "org.verify_audit", "schedule": crontab(hour=3, minute=30)},
    # Audit past its retention is archived and pruned once a month (only if retention is set).
    "org-prune-audit": {"task": "org.prune_audit", "schedule": crontab(day_of_month=1, hour=4, minute=30)},
    # Spot-test attempts left open are scored soon after their time runs out.
    "training-expire-attempts": {"task": "training.expire_overdue_attempts", "schedule": timedelta(minutes=1)},
    # Qualification expiry reminders, each morning.
    "training-qualification-reminders": {
        "task": "training.qualification_reminders",
        "schedule": crontab(hour=6, minute=0),
    },
    # The nightly compliance run: every control rule over every record, colours and alerts.
    "cases-compliance-run": {"task": "cases.run_compliance", "schedule": crontab(hour=2, minute=0)},
    # Alerts unreviewed for 2 working days go to the legal supervisors; checked hourly in office hours.
    "cases-escalate-alerts": {"task": "cases.escalate_alerts", "schedule": crontab(minute=5, hour="8-18")},
    # The stored monthly figures of the reports dashboard, recomputed each night.
    "reports-refresh-figures": {"task": "reports.refresh_figures", "schedule": crontab(hour=2, minute=30)},
    # Confirmed alerts become findings with rectification orders within a minute (idempotent).
    "inspections-findings-from-alerts": {"task": "inspections.findings_from_alerts", "schedule": timedelta(minutes=1)},
    # Rectification orders past their deadline turn overdue and escalate.
    "inspections-escalate-orders": {"task": "inspections.escalate_overdue_orders", "schedule": timedelta(minutes=10)},
    # Case-handling points earned by the steps recorded during the day.
    "inspections-award-points": {"task": "inspections.award_points", "schedule": crontab(hour=3, minute=0)},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "config.beat:SingleBeatScheduler"
CELERY_TASK_TIME_LIMIT = 60 * 60  # no task runs for ever; long ones set their own

# --- Cache (progress of long work such as imports): Redis when set, else files under var/ ---
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": VAR_DIR / "cache"}
    }

# --- Uploads: dispatch exports are large; they stream to disk and are capped here ---
PORTAL_IMPORT_MAX_BYTES = env.int("PORTAL_IMPORT_MAX_BYTES", default=100 * 1024 * 1024)
# Connections that load an import's batches at once (intake/importing.py): one per core, up to 4.
PORTAL_IMPORT_LOADERS = env.int("PORTAL_IMPORT_LOADERS", default=min(os.cpu_count() or 1, 4))
PORTAL_EXPORT_MAX_ROWS = env.int("PORTAL_EXPORT_MAX_ROWS", default=50_000)
# The annual report's PDF embeds the Noto CJK faces of Debian's fonts-noto-cjk from here (title,
# headings, page numbers), and its body's 仿宋 face from the file the portal ships (reports/fonts).
PORTAL_REPORT_FONT_DIR = env.str("PORTAL_REPORT_FONT_DIR", default="/usr/share/fonts/opentype/noto")
PORTAL_REPORT_BODY_FONT = env.str(
    "PORTAL_REPORT_BODY_FONT", default=str(BASE_DIR / "reports" / "fonts" / "FandolFang-Regular.otf")
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Evidence attached to findings and rectification answers (PDF, PNG, JPEG), per file.
PORTAL_ATTACHMENT_MAX_BYTES = env.int("PORTAL_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)

# --- REST API ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an unauthenticated call answers 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api_errors.exception_handler",
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "执法监督平台 API",
    "DESCRIPTION": _("REST API of the law-enforcement supervision portal."),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs page are for signed-in users too (drf-spectacular's default is AllowAny).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # The bureau's network is closed: Swagger UI is served from our own static files.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api_schema.document_errors",
    ],
    # Choice sets that share a field name across models get their own schema names.
    "ENUM_NAME_OVERRIDES": {
        "IncidentDispositionEnum": "intake.models.Disposition",
        "IncidentCategoryEnum": "intake.models.Category",
        "IncidentChannelEnum": "intake.models.Channel",
        "ExtensionKindEnum": "intake.models.ExtensionKind",
        "UnitKindEnum": "org.models.UnitKind",
        "CaseKindEnum": "cases.models.CaseKind",
        "CaseStatusEnum": "cases.models.CaseStatus",
        "StepKindEnum": "cases.models.StepKind",
        "AlertStatusEnum": "cases.models.AlertStatus",
        "OrderStatusEnum": "inspections.models.OrderStatus",
        "OrderEventStatusEnum": "inspections.models.ORDER_EVENT_CHOICES",
        "AccountabilityStatusEnum": "inspections.models.AccountabilityStatus",
        "ReportStatusEnum": "reports.models.ReportStatus",
        "SessionKindEnum": "training.models.SessionKind",
        "TestStatusEnum": "training.models.TestStatus",
        "AttemptStatusEnum": "training.models.AttemptStatus",
        "QualificationKindEnum": "training.models.QualificationKind",
        "AttendanceStatusEnum": "training.models.AttendanceStatus",
        "QuestionKindEnum": "training.models.QuestionKind",
    },
}

# Audit triggers fire once per statement (with transition tables), not once per row:
# a bulk import or a nightly recolouring writes its audit rows in one INSERT … SELECT.
PGHISTORY_LEVEL = pgtrigger.Statement
# Audit rows are never changed or removed (the database refuses), and the copied foreign
# keys of an event row are not indexed: history is read by object (pgh_obj), not by them,
# and every extra index is paid on each imported row.
PGHISTORY_APPEND_ONLY = True
PGHISTORY_FOREIGN_KEY_FIELD = pghistory.ForeignKey(db_index=False)
PGHISTORY_CONTEXT_FIELD = pghistory.ContextForeignKey(db_index=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "pgserver": {"level": "WARNING"}},
}
