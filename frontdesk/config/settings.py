"""Settings, all read from the environment (see .env.example for every name and its default)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent.parent
load_dotenv(Path.cwd() / ".env")  # the working directory, as for any twelve-factor service


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(env(name, str(default)))


DATA_DIR = Path(env("FRONTDESK_DATA_DIR", str(BASE_DIR / "data")))
try:
    DATA_DIR.mkdir(parents=True, exist_ok=True)  # the task queue and rate-limit files are opened at start-up
except OSError as exc:
    raise SystemExit(f"frontdesk: cannot create the data folder {DATA_DIR}: {exc.strerror}") from None
DEBUG = env_bool("FRONTDESK_DEBUG", False)


def _secret_key() -> str:
    """FRONTDESK_SECRET_KEY, else a random key kept in the data folder (created on first start, mode 0600)."""
    if env("FRONTDESK_SECRET_KEY"):
        return env("FRONTDESK_SECRET_KEY")
    path = DATA_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        import secrets

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process won the race: use its key
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in env("FRONTDESK_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")]
CSRF_TRUSTED_ORIGINS = [o for o in env("FRONTDESK_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_URL = env("FRONTDESK_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "frontdesk.core",
    "frontdesk.accounts",
    "frontdesk.contacts",
    "frontdesk.inboxes",
    "frontdesk.inboxes.adapters.email",
    "frontdesk.tickets",
    "frontdesk.imports",
    "frontdesk.demo",
    "frontdesk.realtime",
    "frontdesk.api",
    "frontdesk.workspace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "frontdesk.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "frontdesk.config.urls"
WSGI_APPLICATION = "frontdesk.config.wsgi.application"
ASGI_APPLICATION = "frontdesk.config.asgi.application"

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
    }
]

DATABASE_URL = env("FRONTDESK_DATABASE_URL", f"sqlite:///{DATA_DIR / 'frontdesk.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("FRONTDESK_DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend with writers queued on an OS lock (see frontdesk/core/db/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "frontdesk.core.db.sqlite"
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock up front so that two writers
    # queue on busy_timeout instead of failing with "database is locked" on a lock upgrade.
    DATABASES["default"]["OPTIONS"] = {
        # 16 MB of page cache per connection (one per web thread); reads beyond it come from the mmap'd file.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA temp_store=MEMORY; PRAGMA mmap_size=268435456; PRAGMA cache_size=-16384;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = None
# Lets parallel test runs on one PostgreSQL server use their own database (pytest-xdist adds a suffix).
# SQLite tests run in memory (named explicitly: tools that recognise SQLite by its engine path miss ours).
DATABASES["default"]["TEST"] = {
    "NAME": env("FRONTDESK_TEST_DB_NAME", "") or (":memory:" if "sqlite" in DATABASES["default"]["ENGINE"] else None)
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.Agent"
AUTHENTICATION_BACKENDS = ["frontdesk.accounts.backends.EmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

LANGUAGE_CODE = "en"
TIME_ZONE = env("FRONTDESK_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Only for `frontdesk collectstatic` behind a separate web server; by default the apps' folders are served.
STATIC_ROOT = env("FRONTDESK_STATIC_ROOT", "") or None
MEDIA_ROOT = Path(env("FRONTDESK_MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: attachments go through an access-checked view
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files are served by the WSGI process straight from the apps' folders: no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_MAX_AGE = 3600

# Upload and body limits.
ATTACHMENT_MAX_BYTES = env_int("FRONTDESK_ATTACHMENT_MAX_BYTES", 25 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("FRONTDESK_REQUEST_MAX_BYTES", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Security headers and cookies.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("FRONTDESK_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = env_int("FRONTDESK_SESSION_AGE", 14 * 24 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Mail sent by the product itself (password reset); channel mail is configured per inbox.
EMAIL_BACKEND = env("FRONTDESK_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("FRONTDESK_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("FRONTDESK_EMAIL_PORT", 1025)
EMAIL_HOST_USER = env("FRONTDESK_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("FRONTDESK_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("FRONTDESK_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("FRONTDESK_DEFAULT_FROM_EMAIL", "frontdesk@localhost")
EMAIL_USE_SSL = env_bool("FRONTDESK_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("FRONTDESK_EMAIL_TIMEOUT", 30)
# Channel mail: an email inbox without "outbound" settings sends through the backend above. Automatic mail
# (acknowledgements) goes to one address at most this many times an hour; failed sends are retried after
# these many seconds, then given up.
AUTO_REPLY_LIMIT_PER_HOUR = env_int("FRONTDESK_AUTO_REPLY_LIMIT_PER_HOUR", 3)
OUTBOX_BACKOFF_SECONDS = tuple(
    int(s) for s in env("FRONTDESK_OUTBOX_BACKOFF_SECONDS", "60,300,900,3600,14400").split(",") if s.strip()
)
# The demo (FRONTDESK_DEMO=1, set by `make demo`) never sends mail out: every mail it would send, replies and
# acknowledgements included, is written as a file to data/outbox/ instead, whatever the backend above says.
DEMO = env_bool("FRONTDESK_DEMO", False)
if DEMO:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = env("FRONTDESK_EMAIL_FILE_PATH", str(DATA_DIR / "outbox"))

# Mail received by the email channel: the SMTP listener `frontdesk serve` starts, and provider webhooks.
SMTP_HOST = env("FRONTDESK_SMTP_HOST", "127.0.0.1")
SMTP_PORT = env_int("FRONTDESK_SMTP_PORT", 2525)
SMTP_HOSTNAME = env("FRONTDESK_SMTP_HOSTNAME", "")  # name in the greeting; default: this machine's name
# Threads storing received mail in each listener process (0: 1 on SQLite, whose one writer gains nothing from
# more, 4 on PostgreSQL), and listener processes sharing the port (0: one per CPU core).
SMTP_THREADS = env_int("FRONTDESK_SMTP_THREADS", 0)
SMTP_PROCESSES = env_int("FRONTDESK_SMTP_PROCESSES", 0)
# Most messages stored in one transaction when several are waiting (1: a commit for each).
SMTP_BATCH = env_int("FRONTDESK_SMTP_BATCH", 16)
SMTP_TLS_CERT = env("FRONTDESK_SMTP_TLS_CERT", "")  # PEM files: with a certificate the listener offers STARTTLS
SMTP_TLS_KEY = env("FRONTDESK_SMTP_TLS_KEY", "")
EMAIL_MAX_BYTES = env_int("FRONTDESK_EMAIL_MAX_BYTES", 25 * 1024 * 1024)
# Received payloads up to this size are kept in the database row of their intake (written in the same
# transaction, and several times cheaper than creating a file); bigger ones go to file storage.
INTAKE_INLINE_MAX_BYTES = env_int("FRONTDESK_INTAKE_INLINE_MAX_BYTES", 1024 * 1024)
# Provider webhooks (/inbound/email/<provider>/): each is refused until its secret is set.
ANYMAIL = {
    # "user:password" in the webhook URL (https://user:password@host/inbound/email/postmark/): required from
    # every provider once set (SendGrid, Postmark and SES have nothing else); comma-separated to rotate it.
    "WEBHOOK_SECRET": [s for s in env("FRONTDESK_INBOUND_WEBHOOK_SECRET", "").split(",") if s],
    "MAILGUN_WEBHOOK_SIGNING_KEY": env("FRONTDESK_MAILGUN_WEBHOOK_SIGNING_KEY", ""),
    # SendGrid's public keys (base64, as its settings page shows them) for signed Inbound Parse and event posts.
    "SENDGRID_INBOUND_WEBHOOK_VERIFICATION_KEY": env("FRONTDESK_SENDGRID_INBOUND_VERIFICATION_KEY", ""),
    "SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY": env("FRONTDESK_SENDGRID_EVENTS_VERIFICATION_KEY", ""),
    # Amazon SNS asks to confirm a new subscription; confirming calls AWS (credentials from the usual AWS_* names).
    "AMAZON_SES_AUTO_CONFIRM_SNS_SUBSCRIPTIONS": env_bool("FRONTDESK_SES_CONFIRM_SUBSCRIPTIONS", True),
}
# Amazon SES posts through SNS, whose signature is always checked (see inboxes/adapters/email/sns.py). The SNS
# topics (ARNs, comma-separated) whose posts are accepted: with them, SES needs no basic auth secret.
SES_TOPIC_ARNS = [s.strip() for s in env("FRONTDESK_SES_TOPIC_ARNS", "").split(",") if s.strip()]
# Where SNS signing certificates may come from (a regular expression; empty: Amazon SNS's own HTTPS hosts).
# Not read from the environment: only tests, with a local certificate server, change it.
SNS_CERT_URL_PATTERN = ""

# API.
API_RATE_LIMIT_PER_MINUTE = env_int("FRONTDESK_API_RATE_LIMIT_PER_MINUTE", 600)
# How long a process remembers a checked API token (0: check every request). Revoking a token or changing an
# agent takes effect at once in the process that did it, and in the others within this many seconds.
API_TOKEN_CACHE_SECONDS = env_int("FRONTDESK_API_TOKEN_CACHE_SECONDS", 5)
# Where the per-token counts live: "sqlite" (a file shared by this machine's processes), "cache" (Django's
# cache: Redis when FRONTDESK_REDIS_URL is set) or "auto" (cache with Redis, else sqlite).
API_RATE_LIMIT_STORE = env("FRONTDESK_API_RATE_LIMIT_STORE", "auto")
API_PAGE_SIZE_MAX = 100

# Background jobs: SQLite-backed Huey on one machine, Redis when FRONTDESK_REDIS_URL is set.
REDIS_URL = env("FRONTDESK_REDIS_URL", "")
HUEY_IMMEDIATE = env_bool("FRONTDESK_TASKS_IMMEDIATE", False)
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "frontdesk", "url": REDIS_URL, "immediate": HUEY_IMMEDIATE}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "frontdesk",
        "filename": str(DATA_DIR / "tasks.sqlite3"),
        # No fsync per queued task: every task's real state (an outbox row, an intake) is in the main database,
        # and periodic sweeps pick up whatever a crash loses from this queue.
        "fsync": False,
        "immediate": HUEY_IMMEDIATE,
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Realtime (WebSockets) are served by a separate ASGI process; the page connects to this URL.
REALTIME_URL = env("FRONTDESK_REALTIME_URL", "")
# Pushing changes to browsers needs a layer shared by all processes (Redis); tests turn it on in-process.
REALTIME_RELAY = env_bool("FRONTDESK_REALTIME_RELAY", bool(REDIS_URL))
CHANNEL_LAYERS = (
    {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}}
    if REDIS_URL
    else {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("FRONTDESK_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
