"""CivicDesk settings, read from the environment (docs/configuration.md lists them)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from civicdesk.env import (
    ConfigurationError,
    demo_secret_key,
    derived_key,
    env_bool,
    env_int,
    env_list,
    env_str,
    secret_key_weakness,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CIVICDESK_VAR_DIR", str(BASE_DIR / "var")))

CIVICDESK_ENV = env_str("CIVICDESK_ENV", "demo")
if CIVICDESK_ENV not in {"demo", "production"}:
    raise ConfigurationError(f"CIVICDESK_ENV={CIVICDESK_ENV!r}: use demo or production")
PRODUCTION = CIVICDESK_ENV == "production"

KEY_ADVICE = "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))')"
if PRODUCTION and not env_str("SECRET_KEY", ""):
    raise ConfigurationError(
        f"SECRET_KEY is required when CIVICDESK_ENV=production: set it to a long random value "
        f"{KEY_ADVICE}"
    )
# The demo keeps a generated key in var/ so sessions survive restarts.
SECRET_KEY = env_str("SECRET_KEY", "") or demo_secret_key(VAR_DIR)
if PRODUCTION and (weakness := secret_key_weakness(SECRET_KEY)):
    raise ConfigurationError(
        f"SECRET_KEY is too weak for CIVICDESK_ENV=production: {weakness} {KEY_ADVICE}"
    )
# The key of the audit log's fingerprints of protected values (core.audit), kept out of the
# database; without AUDIT_KEY it is derived from SECRET_KEY.
AUDIT_KEY = env_str("AUDIT_KEY", "") or derived_key(SECRET_KEY, "civicdesk.audit")
DEBUG = env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    # Debug pages show settings, source and every request's data to whoever triggers an error.
    raise ConfigurationError(
        "DEBUG=true is refused when CIVICDESK_ENV=production: unset DEBUG or set DEBUG=false"
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core",
    "django_tasks_db",  # the embedded task queue (ADR 0006)
    "workflow",
    "hazards",
    "complaints",
    "reports",
    "demo",  # the demo county; after the apps it fills
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.PrivateResponseMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.UserLanguageMiddleware",
    "core.middleware.AdminSecondFactorMiddleware",
    "core.middleware.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "civicdesk.urls"
WSGI_APPLICATION = "civicdesk.wsgi.application"
ASGI_APPLICATION = "civicdesk.asgi.application"

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
                "core.context_processors.navigation",
                "workflow.context_processors.inbox",
            ],
        },
    },
]

# Database: SQLite under var/ by default; DATABASE_URL for PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'civicdesk.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failed logins (django-axes), by username and address together.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# Sessions expire after a working day, and with the browser.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
# Sessions end 8 h after sign-in (not after the last click): no session write on every page.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Security headers; the deploy settings below add HTTPS-only behaviour in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
# Administrators must use a second factor in production (django-otp TOTP).
CIVICDESK_REQUIRE_ADMIN_OTP = env_bool("CIVICDESK_REQUIRE_ADMIN_OTP", PRODUCTION)
OTP_TOTP_ISSUER = "CivicDesk"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if not ALLOWED_HOSTS:
        raise ConfigurationError(
            "ALLOWED_HOSTS is required when CIVICDESK_ENV=production: the comma-separated host "
            "names the site answers to (for example: ALLOWED_HOSTS=civicdesk.example.gov.cn)"
        )

# Internationalisation: Simplified Chinese by default, Traditional Chinese and English per user.
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ConfigurationError(f"LANGUAGE_CODE={LANGUAGE_CODE!r}: use one of zh-hans, zh-hant, en")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
# Largest attachment accepted (photos, evidence, signatures, documents).
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)

# Email (Django 6.1 MAILERS): console in the demo, SMTP when EMAIL_HOST is set. Production
# always uses SMTP (the local relay unless EMAIL_HOST says otherwise): notices must be sent.
_EMAIL_HOST = env_str("EMAIL_HOST", "localhost" if PRODUCTION else "")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _EMAIL_HOST,
            "port": env_int("EMAIL_PORT", 587),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
        },
    }
    if _EMAIL_HOST
    else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "civicdesk@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.SecondFactorTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.ModelPermissions"],
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "core.api.filtering.StrictFilterBackend",
        "core.api.ordering.AllowListOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.SchemaAutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CivicDesk API",
    "DESCRIPTION": "Workplace safety, citizen complaints and emergencies. Token auth: "
    "`Authorization: Token <key>`; get a key with POST /api/v1/auth/token/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.drop_backend_integer_bounds",
        "core.api.schema.times_of_day_without_offset",
        "core.api.schema.document_error_responses",
    ],
    # Several models have a "kind" or "level": name each choice set after its domain.
    "ENUM_NAME_OVERRIDES": {
        "RegionLevelEnum": "core.choices.RegionLevel",
        "ListingLevelEnum": "hazards.choices.ListingLevel",
        "InspectionKindEnum": "hazards.choices.InspectionKind",
        "InterimControlKindEnum": "hazards.choices.InterimControlKind",
        "EnforcementKindEnum": "hazards.choices.EnforcementKind",
        "DocumentKindEnum": "complaints.choices.DocumentKind",
        "DocumentStateEnum": "complaints.choices.DocumentState",
        "OpinionOutcomeEnum": "complaints.choices.OpinionOutcome",
        "InspectionOutcomeEnum": "hazards.choices.Outcome",
        "DeliveryMethodEnum": "complaints.choices.DeliveryMethod",
        # Names the hazard and import schemas had before complaints brought their own fields
        # called "source" and "state".
        "SourceEnum": "hazards.choices.HazardSource",
        "StateEnum": "core.models.documents.ImportJobState",
    },
}

# Background work (workflow app): Django's tasks interface. The embedded default keeps
# the queue in the database (django-tasks-db) and needs no other server; TASKS_BACKEND=redis
# moves it to Redis for larger deployments. `manage.py run_worker` serves either, and also runs
# the periodic jobs (escalation scan, notification catch-up, daily digest). docs/configuration.md
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "workflow.worker.redis_backend.RedisBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ConfigurationError(
        f"TASKS_BACKEND={TASKS_BACKEND!r}: use one of {sorted(_TASK_BACKENDS)}"
    )
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS[TASKS_BACKEND],
        "OPTIONS": {"URL": REDIS_URL} if TASKS_BACKEND == "redis" else {},
    }
}
WORKFLOW_ESCALATION_INTERVAL = env_int("WORKFLOW_ESCALATION_INTERVAL", 300)  # seconds
WORKFLOW_DIGEST_HOUR = env_int("WORKFLOW_DIGEST_HOUR", 8)  # local hour of the daily digest
# Local hour at which the worker queues the periodic reports of the periods just ended.
REPORTS_FILING_HOUR = env_int("REPORTS_FILING_HOUR", 1)
WORKFLOW_SMS_BACKEND = env_str(
    "WORKFLOW_SMS_BACKEND", "workflow.notifications.channels.LoggingSMSBackend"
)
# /healthz fails (503) without a fresh worker heartbeat when this is on (default: production).
WORKFLOW_HEALTHZ_REQUIRE_WORKER = env_bool("WORKFLOW_HEALTHZ_REQUIRE_WORKER", PRODUCTION)
WORKFLOW_WORKER_STALE_SECONDS = env_int("WORKFLOW_WORKER_STALE_SECONDS", 120)

# Open311 GeoReport v2 (complaints/open311, docs/open311.md): where a request lands when its
# address names no region below it (a region code), and the POST limits per API key.
OPEN311_DEFAULT_REGION = env_str("OPEN311_DEFAULT_REGION", "")
OPEN311_RATE_LIMIT_PER_MINUTE = env_int("OPEN311_RATE_LIMIT_PER_MINUTE", 30000)
OPEN311_MAX_BODY_BYTES = env_int("OPEN311_MAX_BODY_BYTES", 64 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

_ = _  # gettext_lazy is imported for translators' tools that scan settings

# Public complaint portal (/portal/): per-address limits and the human check (complaints.portal).
PORTAL_SUBMIT_LIMIT = env_int("PORTAL_SUBMIT_LIMIT", 10)  # submissions per address per window
PORTAL_TRACK_LIMIT = env_int("PORTAL_TRACK_LIMIT", 30)  # tracking look-ups per address per window
PORTAL_RATE_WINDOW = env_int("PORTAL_RATE_WINDOW", 3600)  # seconds
PORTAL_HUMAN_CHECK_MAX_AGE = env_int("PORTAL_HUMAN_CHECK_MAX_AGE", 2 * 3600)  # seconds
PORTAL_MAX_ATTACHMENTS = env_int("PORTAL_MAX_ATTACHMENTS", 5)
PORTAL_CLIENT_IP_HEADER = env_str("PORTAL_CLIENT_IP_HEADER", "")  # e.g. HTTP_X_REAL_IP
