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

# ZHAOLUO_PRODUCTION=1 turns on HTTPS-only settings and drops every fallback secret; without
# it the platform runs as the embedded demo/test installation (./zl demo, ./zl test).
ZHAOLUO_PRODUCTION = env.bool("ZHAOLUO_PRODUCTION", default=False)
DEBUG = env.bool("ZHAOLUO_DEBUG", default=False) and not ZHAOLUO_PRODUCTION
# The demo and tests run without a configured key; a production deployment must set one
# (the security baseline's deploy check refuses the fallback).
SECRET_KEY = env.str("ZHAOLUO_SECRET_KEY", default="zhaoluo-insecure-demo-key-change-me")
ALLOWED_HOSTS = env.list(
    "ZHAOLUO_ALLOWED_HOSTS", default=[] if ZHAOLUO_PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
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
    "zhaoluo.indicators",
    "zhaoluo.ledgers",
    "zhaoluo.demo",
    "zhaoluo.cockpit",
    "zhaoluo.notify",
    "zhaoluo.problems",
    "zhaoluo.supervision",
    "zhaoluo.assistance",
    "zhaoluo.approvals",
    "zhaoluo.meetings",
    "zhaoluo.service",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "zhaoluo.core.middleware.RequestContextMiddleware",
    "zhaoluo.core.middleware.NoStoreMiddleware",
    "zhaoluo.core.middleware.DeniedAccessAuditMiddleware",
    # Last, so a view's "database is locked" becomes a 503 with a message (core/busy.py).
    "zhaoluo.core.busy.DatabaseBusyMiddleware",
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
            # synchronous=FULL: in WAL mode NORMAL can lose the last commits on a power cut
            # although the user was told "已保存"; a register of record may not, and a
            # district's write rate makes the extra fsync per commit cost nothing noticeable.
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000;"
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
    "staticfiles": {"BACKEND": "zhaoluo.core.staticstorage.StaticStorage"},
}
# Served straight from the app directories when collectstatic has not run (demo, tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Upload limits (security baseline G1), all explicit. Files above FILE_UPLOAD_MAX_MEMORY_SIZE
# are streamed to a temporary file that Django deletes when the request ends;
# DATA_UPLOAD_MAX_MEMORY_SIZE bounds the non-file body (form fields, JSON);
# more files than DATA_UPLOAD_MAX_NUMBER_FILES in one request is refused with 400.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 100
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
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
    "DEFAULT_SCHEMA_CLASS": "zhaoluo.core.api_autoschema.AutoSchema",
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
    # One record is one line (CR/LF escaped: no forged log lines), tagged with its request id.
    "filters": {"one_line": {"()": "zhaoluo.core.logfilters.OneLineFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["one_line"], "formatter": "plain"}},
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
# A tick holds its lease (core.TickLease) this long, renewed before each step; a tick killed
# mid-run blocks the next ones at most this long. Longer than any one step may take.
ZHAOLUO_TICK_LEASE_SECONDS = env.int("ZHAOLUO_TICK_LEASE_SECONDS", default=900)

# Reverse proxies (nginx) whose X-Real-IP header is believed for the audit log's source address.
ZHAOLUO_TRUSTED_PROXIES = frozenset(env.list("ZHAOLUO_TRUSTED_PROXIES", default=[]))

# The district this installation serves (GB/T 2260 code); the demo is Xiangzhou.
ZHAOLUO_DISTRICT_CODE = env.str("ZHAOLUO_DISTRICT_CODE", default="420607")
ZHAOLUO_PLATFORM_NAME = "招落通"
# The platform's "today" (YYYY-MM-DD), for the demo only: see core/clock.py. Unset in production.
ZHAOLUO_TODAY = env.str("ZHAOLUO_TODAY", default="") or None

# Dates a record may carry (core/dates.py plausible_window): forms, API, ledgers and models
# refuse anything outside [ZHAOLUO_DATE_MIN, today + ZHAOLUO_DATE_MAX_YEARS_AHEAD years].
ZHAOLUO_DATE_MIN = env.str("ZHAOLUO_DATE_MIN", default="2000-01-01")
ZHAOLUO_DATE_MAX_YEARS_AHEAD = env.int("ZHAOLUO_DATE_MAX_YEARS_AHEAD", default=30)

# Ledger import (shared/LEDGERS.md). Everything is refused before parsing when it exceeds these.
ZHAOLUO_LEDGER_MAX_BYTES = env.int("ZHAOLUO_LEDGER_MAX_BYTES", default=20 * 1024 * 1024)
# Excel's own shared strings keep a 100,000-row ledger near 60 MiB unzipped; inline strings
# (other tools) reach ~110 MiB, so the ceiling sits above that and the ratio catches bombs.
ZHAOLUO_LEDGER_MAX_UNZIPPED_BYTES = env.int("ZHAOLUO_LEDGER_MAX_UNZIPPED_BYTES", default=256 * 1024 * 1024)
ZHAOLUO_LEDGER_MAX_RATIO = env.int("ZHAOLUO_LEDGER_MAX_RATIO", default=100)
ZHAOLUO_LEDGER_MAX_MEMBERS = env.int("ZHAOLUO_LEDGER_MAX_MEMBERS", default=1000)
ZHAOLUO_LEDGER_MAX_ERRORS = env.int("ZHAOLUO_LEDGER_MAX_ERRORS", default=5000)
# Data rows per file: a 1,048,575-row sheet fits in 20 MiB and once held the database for 7 minutes.
ZHAOLUO_LEDGER_MAX_ROWS = env.int("ZHAOLUO_LEDGER_MAX_ROWS", default=200_000)
# A dry run (the web preview) runs the writers, rolled back, on this many rows only; every row
# is still parsed and checked, without a transaction (docs/ledgers.md).
ZHAOLUO_LEDGER_PREVIEW_ROWS = env.int("ZHAOLUO_LEDGER_PREVIEW_ROWS", default=2000)
ZHAOLUO_LEDGER_UPLOAD_DIR = Path(env.str("ZHAOLUO_LEDGER_UPLOAD_DIR", default=str(VAR_DIR / "generated" / "ledgers")))
# Notifications (zhaoluo/notify, docs/notifications.md). Outside channels are configured on the
# 通知渠道 page; these are the delivery mechanics.
ZHAOLUO_NOTIFY_TIMEOUT = env.float("ZHAOLUO_NOTIFY_TIMEOUT", default=5.0)  # seconds per webhook / SMTP call
# Hosts a robot channel may post to besides the robots' own (qyapi.weixin.qq.com, oapi.dingtalk.com,
# HTTPS only): an intranet gateway, say. Empty by default (notify/senders.py webhook_refusal).
ZHAOLUO_WEBHOOK_HOSTS = env.list("ZHAOLUO_WEBHOOK_HOSTS", default=[])
ZHAOLUO_NOTIFY_MAX_ATTEMPTS = env.int("ZHAOLUO_NOTIFY_MAX_ATTEMPTS", default=6)
ZHAOLUO_NOTIFY_BACKOFF_MINUTES = env.float("ZHAOLUO_NOTIFY_BACKOFF_MINUTES", default=1.0)  # 1, 2, 4, 8, 16 …
ZHAOLUO_NOTIFY_BATCH = env.int("ZHAOLUO_NOTIFY_BATCH", default=200)  # deliveries per run at most
# Hand new deliveries to the django-q2 cluster right after commit; off for cron-only deployments.
ZHAOLUO_NOTIFY_QUEUE = env.bool("ZHAOLUO_NOTIFY_QUEUE", default=True)
# The platform's address as users reach it, for links in e-mail and robot messages (e.g. https://zl.example.gov.cn).
ZHAOLUO_SITE_URL = env.str("ZHAOLUO_SITE_URL", default="")
# E-mail: ZHAOLUO_EMAIL_URL such as smtp+tls://user:password@mail.example.gov.cn:587 (django-environ syntax).
vars().update(env.email_url("ZHAOLUO_EMAIL_URL", default="smtp://localhost:25"))
DEFAULT_FROM_EMAIL = env.str("ZHAOLUO_EMAIL_FROM", default="招落通 <noreply@localhost>")
# Django's SMTP backend waits forever by default; a hung mail server must not hang the sender.
EMAIL_TIMEOUT = env.int("ZHAOLUO_EMAIL_TIMEOUT", default=10)
# --- Personal data, backups and temporary files (security baseline D3, E1, E4, F1–F3) ---
# Field encryption of personal data: sm4-gcm (16-byte keys) or aes-256-gcm (32-byte keys).
# ZHAOLUO_FIELD_KEYS="k1:<base64>,k2:<base64>"; ZHAOLUO_FIELD_KEY_ID names the key new values use
# (default: the last listed). Unset: a public development key, refused on a production database.
ZHAOLUO_FIELD_CIPHER = env.str("ZHAOLUO_FIELD_CIPHER", default="sm4-gcm")
ZHAOLUO_FIELD_KEYS = env.str("ZHAOLUO_FIELD_KEYS", default="")
ZHAOLUO_FIELD_KEY_ID = env.str("ZHAOLUO_FIELD_KEY_ID", default="")
# Uploads larger than FILE_UPLOAD_MAX_MEMORY_SIZE are spooled here; `tick` deletes leftovers.
FILE_UPLOAD_TEMP_DIR = env.str("ZHAOLUO_UPLOAD_TEMP_DIR", default=str(VAR_DIR / "tmp" / "uploads"))
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
ZHAOLUO_UPLOAD_TEMP_TTL_MINUTES = env.int("ZHAOLUO_UPLOAD_TEMP_TTL_MINUTES", default=60)
# Generated files (exports, import error reports) live here and are deleted after the TTL.
ZHAOLUO_GENERATED_DIR = Path(env.str("ZHAOLUO_GENERATED_DIR", default=str(VAR_DIR / "generated")))
ZHAOLUO_EXPORT_TTL_MINUTES = env.int("ZHAOLUO_EXPORT_TTL_MINUTES", default=30)
# Where `zhaoluo backup` writes when no --output is given.
ZHAOLUO_BACKUP_DIR = Path(env.str("ZHAOLUO_BACKUP_DIR", default=str(VAR_DIR / "backups")))
# --- end personal data, backups and temporary files ---
# --- Security baseline (docs/security.md) ---------------------------------------------

# The audit chain's HMAC key (core/audit_chain.py). Production must set it (check-deploy);
# the demo and tests sign with a fixed development key.
_DEV_AUDIT_KEY = "zhaoluo-development-audit-key-not-for-production"
ZHAOLUO_AUDIT_KEY = env.str("ZHAOLUO_AUDIT_KEY", default="" if ZHAOLUO_PRODUCTION else _DEV_AUDIT_KEY)
# 网络安全法: network logs kept at least six months; a start-up check refuses fewer than 184 days.
ZHAOLUO_AUDIT_RETENTION_DAYS = env.int("ZHAOLUO_AUDIT_RETENTION_DAYS", default=365)
# Where `zhaoluo tick` archives purged audit rows (gzipped JSON lines) before deleting them.
ZHAOLUO_AUDIT_ARCHIVE_DIR = Path(env.str("ZHAOLUO_AUDIT_ARCHIVE_DIR", default=str(VAR_DIR / "audit-archive")))
# The audit chain's external anchor (core/audit_anchor.py): the head's seq and hash, appended by
# each tick, backup and passing verify. Keep it append-only (chattr +a) or ship it to the log server.
ZHAOLUO_AUDIT_ANCHOR_FILE = Path(
    env.str("ZHAOLUO_AUDIT_ANCHOR_FILE", default=str(VAR_DIR / "log" / "audit-anchor.jsonl"))
)
# Denied-access audit rows the database could not take when they happened (busy, locked, down) wait
# here as one JSON file each until `zhaoluo tick` writes them into the chain (core/audit_spool.py).
ZHAOLUO_AUDIT_SPOOL_DIR = Path(env.str("ZHAOLUO_AUDIT_SPOOL_DIR", default=str(VAR_DIR / "audit-spool")))
# What a production deployment must provide; `zhaoluo check-deploy` names each one missing.
ZHAOLUO_REQUIRED_ENV = (
    "ZHAOLUO_SECRET_KEY",
    "ZHAOLUO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "ZHAOLUO_AUDIT_KEY",
    "ZHAOLUO_FIELD_KEYS",
)

if ZHAOLUO_PRODUCTION:
    # nginx terminates TLS and must send `proxy_set_header X-Forwarded-Proto $scheme;`
    # (overwriting whatever the client sent); Django then knows the request was HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # Load balancers probe /healthz over plain HTTP on the internal network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content-Security-Policy (django-csp 4 format): no inline script or style, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
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
# A password change may not reuse any of this many earlier passwords (accounts/services.py).
ZHAOLUO_PASSWORD_HISTORY = env.int("ZHAOLUO_PASSWORD_HISTORY", default=5)
# API tokens (accounts/token_services.py): the longest a token may live, and the default.
ZHAOLUO_API_TOKEN_MAX_DAYS = env.int("ZHAOLUO_API_TOKEN_MAX_DAYS", default=30)
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

# Anti-automation (core/ratelimit.py, checklist G9): requests per user and minute.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    }
}
ZHAOLUO_RATE_EXPORTS_PER_MINUTE = env.int("ZHAOLUO_RATE_EXPORTS_PER_MINUTE", default=10)
ZHAOLUO_RATE_IMPORTS_PER_MINUTE = env.int("ZHAOLUO_RATE_IMPORTS_PER_MINUTE", default=10)
ZHAOLUO_RATE_AUDIT_SEARCHES_PER_MINUTE = env.int("ZHAOLUO_RATE_AUDIT_SEARCHES_PER_MINUTE", default=60)
# 帮扶情况收集表 PDF (docs/assistance.md): the CJK face WeasyPrint sets the sheet in; a district with
# licensed 公文 fonts installed names them here.
ASSISTANCE_PDF_FONT = env.str("ZHAOLUO_ASSISTANCE_PDF_FONT", default="Noto Serif CJK SC")

# Approvals (docs/approvals.md): working days a department gets to settle the problem a late approval
# raises (before the deadline rules), and the 政务服务 unit whose staff keep the approvals catalogue.
ZHAOLUO_APPROVALS_PROBLEM_WORKDAYS = env.int("ZHAOLUO_APPROVALS_PROBLEM_WORKDAYS", default=5)
ZHAOLUO_APPROVALS_SERVICE_UNIT = env.str("ZHAOLUO_APPROVALS_SERVICE_UNIT", default="区政务服务和大数据管理局")
# approvals and problems both have a `status` choice set: name the approvals' one for the schema.
# Several apps have `status`/`kind`/`level` choice sets: one schema name each (the escalation records, meetings).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "ApprovalStatusEnum": "zhaoluo.approvals.choices.Status",
    "SupervisionLevelEnum": "zhaoluo.supervision.choices.Level",
    "NoticeColorEnum": "zhaoluo.supervision.choices.Color",
    "MeetingKindEnum": "zhaoluo.meetings.choices.Kind",
    "MeetingStatusEnum": "zhaoluo.meetings.choices.Status",
    "AgendaItemKindEnum": "zhaoluo.meetings.choices.ItemKind",
}

# The East Asian font of the .docx meeting pack (meetings/pack.py). The official 公文 fonts are proprietary:
# name the licensed face the district's PCs have.
ZHAOLUO_MEETING_PACK_FONT = env.str("ZHAOLUO_MEETING_PACK_FONT", default="仿宋")
