"""Casedesk settings: one module, everything read from the environment.

With no environment at all, Casedesk runs on embedded defaults that need no server:
SQLite under var/, Celery over kombu's filesystem transport under var/celery/, a file
cache under var/cache/ and outgoing mail written to var/mail/. Setting DATABASE_URL,
REDIS_URL (and EMAIL_URL) moves the same code onto PostgreSQL, Redis and a real MTA/ESP.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("CASEDESK_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (set DEBUG=1 for development).")
    SECRET_KEY = "dev-only-insecure-key-casedesk-never-use-in-production-0123456789"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "anymail",
    "casedesk",
    "mailclerk",
    "rules",
    "selfservice",
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
]

ROOT_URLCONF = "casedesk.urls"
WSGI_APPLICATION = "casedesk.wsgi.application"

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

# --- Database -------------------------------------------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'casedesk.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so concurrent writers (web + worker) queue
    # up instead of failing with "database is locked" when a read turns into a write.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": env.str("CASEDESK_TEST_SQLITE_NAME", default="") or None}
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker, results, cache ----------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_FS_DIR = VAR_DIR / "celery"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FS_DIR / "queue"),
        "data_folder_out": str(CELERY_FS_DIR / "queue"),
        "processed_folder": str(CELERY_FS_DIR / "processed"),
        "control_folder": str(CELERY_FS_DIR / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = REDIS_URL or None  # outcomes live in the database; results are optional
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_FS_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = "UTC"
# Each app registers its periodic tasks here from its AppConfig (see casedesk.celery).
CELERY_BEAT_SCHEDULE: dict = {
    "casedesk-worker-heartbeat": {"task": "casedesk.record_worker_heartbeat", "schedule": 60.0},
    "rules-sweep-outbox": {"task": "rules.sweep_outbox", "schedule": 60.0},
    # rules (issue 7): delayed rule actions
    "rules-fire-due-time-bombs": {"task": "rules.fire_due_time_bombs", "schedule": 30.0},
}

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Email ----------------------------------------------------------------------------
# EMAIL_URL in django-environ's form; default: every outgoing message written as a file
# under var/mail/ so a developer can read what Casedesk sent.
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_URL = env.str("EMAIL_URL", default=f"filemail://{EMAIL_FILE_PATH}")
_email = env.email_url_config(EMAIL_URL)
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=_email["EMAIL_BACKEND"])
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
if EMAIL_URL.startswith("filemail://"):
    # django-environ drops the leading "/" of an absolute path; take the URL's path as is.
    EMAIL_FILE_PATH = urlsplit(EMAIL_URL).path or EMAIL_FILE_PATH
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# ESPs: set EMAIL_BACKEND="anymail.backends.<esp>.EmailBackend" and ANYMAIL_* variables.
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value
    for key, value in env.ENVIRON.items()
    if key.startswith("ANYMAIL_") and value
}

CASEDESK_FROM_EMAIL = env.str("CASEDESK_FROM_EMAIL", default="Casedesk Support <support@casedesk.localhost>")
CASEDESK_CLERK_EMAIL = env.str("CASEDESK_CLERK_EMAIL", default="clerk@casedesk.localhost")
CASEDESK_SITE_URL = env.str("CASEDESK_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CASEDESK_FIRST_CASE_NUMBER = env.int("CASEDESK_FIRST_CASE_NUMBER", default=1000)
CASEDESK_MAX_UPLOAD_BYTES = env.int("CASEDESK_MAX_UPLOAD_BYTES", default=25 * 1024 * 1024)
# --- rules (issue 7) --------------------------------------------------------------------
# A user gets one notification per rule and case within this many minutes (digest protection).
CASEDESK_NOTIFY_DIGEST_MINUTES = env.int("CASEDESK_NOTIFY_DIGEST_MINUTES", default=15)

DEFAULT_FROM_EMAIL = CASEDESK_FROM_EMAIL

# --- Outbound mail (issue 4: Log Email and the RuleManager's outbound queue) ----------
# From mode: "shared" (CASEDESK_FROM_EMAIL) or "agent" (the agent's own name and address);
# agents may override it in their preferences when CASEDESK_ALLOW_AGENT_FROM_MODE is on.
CASEDESK_FROM_MODE = env.str("CASEDESK_FROM_MODE", default="shared")
CASEDESK_ALLOW_AGENT_FROM_MODE = env.bool("CASEDESK_ALLOW_AGENT_FROM_MODE", default=True)
CASEDESK_MAX_EMAIL_ATTACHMENTS_BYTES = env.int(
    "CASEDESK_MAX_EMAIL_ATTACHMENTS_BYTES", default=CASEDESK_MAX_UPLOAD_BYTES
)
CASEDESK_SEND_MAX_ATTEMPTS = env.int("CASEDESK_SEND_MAX_ATTEMPTS", default=8)
CASEDESK_SEND_BACKOFF_SECONDS = env.float("CASEDESK_SEND_BACKOFF_SECONDS", default=30.0)
CASEDESK_SEND_BACKOFF_MAX_SECONDS = env.float("CASEDESK_SEND_BACKOFF_MAX_SECONDS", default=3600.0)
CASEDESK_SEND_LEASE_SECONDS = env.int("CASEDESK_SEND_LEASE_SECONDS", default=300)
CASEDESK_SEND_BATCH_SIZE = env.int("CASEDESK_SEND_BATCH_SIZE", default=100)
CASEDESK_SMTP_IDLE_SECONDS = env.float("CASEDESK_SMTP_IDLE_SECONDS", default=20.0)
CASEDESK_SWEEP_GRACE_SECONDS = env.int("CASEDESK_SWEEP_GRACE_SECONDS", default=60)
SERVER_EMAIL = CASEDESK_FROM_EMAIL
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Self-service portal (selfservice, issue 8) ------------------------------------------
# Email the customer when an agent logs a public note on or closes their case.
CASEDESK_PORTAL_NOTIFY_CUSTOMER = env.bool("CASEDESK_PORTAL_NOTIFY_CUSTOMER", default=True)
# Contacts of the same Site see each other's cases in the portal.
CASEDESK_PORTAL_SITE_VISIBILITY = env.bool("CASEDESK_PORTAL_SITE_VISIBILITY", default=False)
# Customers may choose a priority for a new case.
CASEDESK_PORTAL_CUSTOMER_PRIORITY = env.bool("CASEDESK_PORTAL_CUSTOMER_PRIORITY", default=True)
# A customer may reopen a closed case within this many days of its closing.
CASEDESK_PORTAL_REOPEN_DAYS = env.int("CASEDESK_PORTAL_REOPEN_DAYS", default=14)
# Lifetimes of emailed links, in seconds.
CASEDESK_PORTAL_SIGNIN_LINK_MAX_AGE = env.int("CASEDESK_PORTAL_SIGNIN_LINK_MAX_AGE", default=15 * 60)
CASEDESK_PORTAL_VERIFY_LINK_MAX_AGE = env.int("CASEDESK_PORTAL_VERIFY_LINK_MAX_AGE", default=3 * 24 * 3600)
# Rate limits on sign-up, sign-in, password reset and sign-in-link requests: attempts per
# window, counted per client IP and per email address.
CASEDESK_PORTAL_RATE_LIMIT_PER_IP = env.int("CASEDESK_PORTAL_RATE_LIMIT_PER_IP", default=30)
CASEDESK_PORTAL_RATE_LIMIT_PER_ADDRESS = env.int("CASEDESK_PORTAL_RATE_LIMIT_PER_ADDRESS", default=5)
CASEDESK_PORTAL_RATE_LIMIT_WINDOW = env.int("CASEDESK_PORTAL_RATE_LIMIT_WINDOW", default=3600)
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 3600)

# --- Auth -----------------------------------------------------------------------------
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "console:my_work"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- i18n, static, media --------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = None  # attachments are served only through authorised views, never a public URL
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security (production) ------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Mail clerk (issue 5: inbound mail) -----------------------------------------------
# Largest inbound message stored and processed; bigger ones are refused by the SMTP door
# and quarantined ("too large") by the others.
CLERK_MAX_MESSAGE_BYTES = env.int("CLERK_MAX_MESSAGE_BYTES", default=40 * 1024 * 1024)
# "allow": a stranger's first mail creates a Contact and a case; "quarantine": held for an admin.
CLERK_UNKNOWN_SENDERS = env.str("CLERK_UNKNOWN_SENDERS", default="allow")
# A reply to a closed case: "reopen" it, or "log" the note and leave it closed (rules notify).
CLERK_CLOSED_CASE_ACTION = env.str("CLERK_CLOSED_CASE_ACTION", default="reopen")
CLERK_SEND_CONFIRMATIONS = env.bool("CLERK_SEND_CONFIRMATIONS", default=True)
# At most this many confirmations per sender address per hour (stops auto-responder ping-pong).
CLERK_CONFIRMATIONS_PER_HOUR = env.int("CLERK_CONFIRMATIONS_PER_HOUR", default=5)
# More messages than this from one sender in an hour are quarantined ("loop limit").
CLERK_MESSAGES_PER_SENDER_PER_HOUR = env.int("CLERK_MESSAGES_PER_SENDER_PER_HOUR", default=60)
CLERK_POLL_SECONDS = env.int("CLERK_POLL_SECONDS", default=60)
CLERK_SMTPD_PORT = env.int("CLERK_SMTPD_PORT", default=2525)
# --- Mail clerk content (issue 6: attachments of inbound mail) --------------------------
# Parts over these limits are not stored; the history entry lists them, the mail is still logged.
CLERK_MAX_ATTACHMENT_BYTES = env.int("CLERK_MAX_ATTACHMENT_BYTES", default=CASEDESK_MAX_UPLOAD_BYTES)
CLERK_MAX_ATTACHMENTS_BYTES = env.int("CLERK_MAX_ATTACHMENTS_BYTES", default=50 * 1024 * 1024)
CLERK_MAX_ATTACHMENTS = env.int("CLERK_MAX_ATTACHMENTS", default=50)
CELERY_BEAT_SCHEDULE["mailclerk-poll-mailboxes"] = {
    "task": "mailclerk.poll_mailboxes",
    "schedule": float(CLERK_POLL_SECONDS),
}
CELERY_BEAT_SCHEDULE["mailclerk-sweep-received"] = {"task": "mailclerk.sweep_received", "schedule": 300.0}
# `make run` also starts the clerk's SMTP listener so mail can be tried locally.
CASEDESK_DEV_PROCESSES = {
    "clerk-smtpd": ["clerk_smtpd", "--host", "127.0.0.1", "--port", str(CLERK_SMTPD_PORT)],
}
