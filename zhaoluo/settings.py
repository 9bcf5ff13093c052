"""Settings for 招落通.

One settings module: everything a deployment changes comes from the environment
(django-environ). With no DATABASE_URL the platform runs on an embedded SQLite
database under ./var/, which is what `./zl demo` uses.
"""

from __future__ import annotations

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("ZHAOLUO_VAR_DIR", PROJECT_DIR / "var"))

env = environ.Env()

DEBUG = env.bool("ZHAOLUO_DEBUG", default=False)
# The demo and tests run without a configured key; a production deployment must set one
# (the security baseline's deploy check refuses the fallback).
SECRET_KEY = env.str("ZHAOLUO_SECRET_KEY", default="zhaoluo-insecure-demo-key-change-me")
ALLOWED_HOSTS = env.list("ZHAOLUO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("ZHAOLUO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_q",
    "zhaoluo.core",
    "zhaoluo.orgs",
    "zhaoluo.chains",
    "zhaoluo.enterprises",
    "zhaoluo.projects",
    "zhaoluo.stats",
    "zhaoluo.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "zhaoluo.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "zhaoluo.urls"
WSGI_APPLICATION = "zhaoluo.wsgi.application"

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
                "zhaoluo.core.context_processors.platform",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    if os.environ.get("DATABASE_URL"):
        db: dict[str, object] = env.db("DATABASE_URL")
        db.setdefault("CONN_MAX_AGE", 60)
        db["ATOMIC_REQUESTS"] = False
        return db
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env.str("ZHAOLUO_SQLITE_PATH", default=str(VAR_DIR / "zhaoluo.sqlite3")),
        "OPTIONS": {
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the busy
            # timeout instead of one failing mid-transaction with "database is locked".
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000;"
            ),
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "orgs.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# AUTH_PASSWORD_VALIDATORS: see the accounts block at the end.

# Chinese whatever the browser asks for: a district's staff read Chinese, and a page half in
# English (Django's own messages) because a browser sends en-US helps nobody.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise serves from the app directories until collectstatic fills this; it only has to exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("ZHAOLUO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Served straight from the app directories when collectstatic has not run (demo, tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
# Evidence files and progress photos.
ZHAOLUO_MAX_UPLOAD_BYTES = env.int("ZHAOLUO_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "zhaoluo.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "zhaoluo.core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "招落通 API",
    "DESCRIPTION": "招落一体闭环管理平台接口 / 招落通 REST API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("ZHAOLUO_LOG_LEVEL", default="WARNING")},
}

# Scheduled work (`zhaoluo tick` every few minutes) runs in django-q2's cluster, with the
# database as its queue: no Redis, the same on SQLite and PostgreSQL. `zhaoluo serve`
# starts the cluster beside the web workers; `zhaoluo qcluster` runs it on its own.
Q_CLUSTER = {
    "name": "zhaoluo",
    "orm": "default",
    "workers": 1,
    "timeout": 600,
    "retry": 900,
    "max_attempts": 1,
    "catch_up": False,
    "save_limit": 200,
    # The queue is polled, and on SQLite every poll is a write lock: every few seconds is plenty.
    "poll": 5,
    "label": "定时任务",
}

# Reverse proxies (nginx) whose X-Real-IP header is believed for the audit log's source address.
ZHAOLUO_TRUSTED_PROXIES = frozenset(env.list("ZHAOLUO_TRUSTED_PROXIES", default=[]))

# The district this installation serves (GB/T 2260 code); the demo is Xiangzhou.
ZHAOLUO_DISTRICT_CODE = env.str("ZHAOLUO_DISTRICT_CODE", default="420607")
ZHAOLUO_PLATFORM_NAME = "招落通"
# The platform's "today" (YYYY-MM-DD), for the demo only: see core/clock.py. Unset in production.
ZHAOLUO_TODAY = env.str("ZHAOLUO_TODAY", default="") or None

# ---------------------------------------------------------------------------------------------
# Accounts and login security (zhaoluo/accounts, docs/accounts.md): 等保 2.0 L3 身份鉴别 /
# 访问控制 and ASVS L2. The figures are assessor practice, not law: each one is a setting.
# ---------------------------------------------------------------------------------------------
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "zhaoluo.accounts"]
# django-otp marks request.user verified from the session; it must follow AuthenticationMiddleware.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
# Both read the client address RequestContextMiddleware resolved (X-Real-IP only from trusted proxies).
MIDDLEWARE += [
    "zhaoluo.accounts.middleware.AdminNetworkMiddleware",
    "zhaoluo.accounts.middleware.AccountGateMiddleware",
]
# One backend: case-insensitive usernames, lockout and per-address throttling for every password login
# (the login page, the admin, the API token endpoint).
AUTHENTICATION_BACKENDS = ["zhaoluo.accounts.backends.AccountBackend"]

ZHAOLUO_PASSWORD_MIN_LENGTH = env.int("ZHAOLUO_PASSWORD_MIN_LENGTH", default=12)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "zhaoluo.accounts.validators.LengthValidator", "OPTIONS": {"min_length": ZHAOLUO_PASSWORD_MIN_LENGTH}},
    {"NAME": "zhaoluo.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "zhaoluo.accounts.validators.CommonPasswordValidator"},
    {"NAME": "zhaoluo.accounts.validators.BlocklistValidator"},
    {"NAME": "zhaoluo.accounts.validators.UserAttributeSimilarityValidator"},
]
# Passwords expire after this many days (0 turns rotation off); a password an administrator set
# (initial or reset) must be changed at the first login whatever its age.
ZHAOLUO_PASSWORD_MAX_AGE_DAYS = env.int("ZHAOLUO_PASSWORD_MAX_AGE_DAYS", default=90)
# Lockout: this many consecutive failures lock the account for this many minutes.
ZHAOLUO_LOGIN_MAX_FAILURES = env.int("ZHAOLUO_LOGIN_MAX_FAILURES", default=5)
ZHAOLUO_LOGIN_LOCKOUT_MINUTES = env.int("ZHAOLUO_LOGIN_LOCKOUT_MINUTES", default=15)
# Throttling per client address: failed logins in the last hour before the address gets 429.
ZHAOLUO_LOGIN_MAX_FAILURES_PER_IP_HOUR = env.int("ZHAOLUO_LOGIN_MAX_FAILURES_PER_IP_HOUR", default=20)
# Sessions: 30 minutes idle (the session's age, renewed by AccountGateMiddleware at most once a
# minute rather than SESSION_SAVE_EVERY_REQUEST's write per request), 12 hours at most.
SESSION_COOKIE_AGE = env.int("ZHAOLUO_SESSION_IDLE_SECONDS", default=30 * 60)
ZHAOLUO_SESSION_MAX_HOURS = env.int("ZHAOLUO_SESSION_MAX_HOURS", default=12)
# Self-service reset links are not offered (the 安全管理员 resets); should they come, one hour at most.
PASSWORD_RESET_TIMEOUT = 3600
# Roles that must log in with a TOTP second factor; anyone else may enrol. Empty: nobody is forced.
ZHAOLUO_OTP_REQUIRED_ROLES = frozenset(
    env.list("ZHAOLUO_OTP_REQUIRED_ROLES", default=["sysadmin", "secadmin", "auditadmin"])
)
OTP_TOTP_ISSUER = ZHAOLUO_PLATFORM_NAME
# Accounts unused for this many days are disabled by `zhaoluo tick` (0 turns it off).
ZHAOLUO_DORMANT_DAYS = env.int("ZHAOLUO_DORMANT_DAYS", default=90)
# The Django admin and the account management page answer only from these networks (CIDR).
# The default is loopback and the private ranges: a district intranet reaches them, the internet not.
# API tokens obey the same password and 2FA steps as sessions (accounts/authentication.py).
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "zhaoluo.accounts.authentication.GatedTokenAuthentication",
    "rest_framework.authentication.SessionAuthentication",
]
ZHAOLUO_ADMIN_NETWORKS = env.list(
    "ZHAOLUO_ADMIN_NETWORKS", default=["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]
)
