"""Settings shared by every environment; each value that differs comes from the environment.

Every variable read here is listed, with a comment, in ``.env.example``.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdefghijklmn")
# Rotating the key: the old one here (comma-separated) keeps sessions and links made under
# it working; messages for those links are rendered with the key that made them.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The public address of the portal, used in links that leave it (e-mail, SMS).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "anymail",
    "phonenumber_field",
    "accounts",
    "bureau",
    "clients",
    "invitations",
    "documents",
    "inbound",
    "demo",
    "passkeys",
    "operations",
    "privacy",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "operations.middleware.PrivateResponsesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's own language, unless they chose one in the menu on this device.
    "accounts.language.UsersLanguageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # After the login and CSRF checks, so that a stranger is sent to log in first.
    "operations.middleware.RefuseNulCharacters",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.idle_timeout.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "bureau.context_processors.current_firm",
                "invitations.context_processors.sms",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes' backend first: it refuses a locked-out username or address before any
# password is checked (see "Sign-in throttling" below).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://"),
}

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
# One way of writing dates per language: "2 dec 2026" / "2 Dec 2026" (config/formats/).
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))

PHONENUMBER_DEFAULT_REGION = "SE"
PHONENUMBER_DB_FORMAT = "E164"

# --- E-mail -------------------------------------------------------------------------------
# EMAIL_URL picks SMTP (smtp://, smtp+tls://) or the console; ANYMAIL_ESP picks a provider
# supported by django-anymail instead (e.g. "postmark" with ANYMAIL_POSTMARK_SERVER_TOKEN).
EMAIL_OUTBOX_DIR = env("EMAIL_OUTBOX_DIR", default=str(BASE_DIR / "var" / "outbox"))
_email = env.email("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
ANYMAIL_ESP = env("ANYMAIL_ESP", default="")
if ANYMAIL_ESP:
    EMAIL_BACKEND = f"anymail.backends.{ANYMAIL_ESP}.EmailBackend"
ANYMAIL = env.json("ANYMAIL", default={})
ANYMAIL.setdefault("WEBHOOK_SECRET", env("ANYMAIL_WEBHOOK_SECRET", default=""))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Byråportalen <no-reply@byraportalen.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
INVITATION_EMAIL_SUBJECT = env(
    "INVITATION_EMAIL_SUBJECT", default=""
)  # empty: "{firm} har bjudit in dig till Byråportalen" in the user's language
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=6)

# --- SMS (Twilio) ---------------------------------------------------------------------------
# SMS_ENABLED=false turns SMS off: no SMS is promised (the wizard still takes mobile numbers,
# and says that no SMS goes), and an SMS delivery from before is recorded as not sent.
SMS_ENABLED = env.bool("SMS_ENABLED", default=True)
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM = env("TWILIO_FROM", default="")
TWILIO_MESSAGING_SERVICE_SID = env("TWILIO_MESSAGING_SERVICE_SID", default="")
TWILIO_API_BASE_URL = env("TWILIO_API_BASE_URL", default="https://api.twilio.com")
TWILIO_TIMEOUT = env.int("TWILIO_TIMEOUT", default=15)
SMS_OUTBOX_DIR = env("SMS_OUTBOX_DIR", default=str(Path(EMAIL_OUTBOX_DIR) / "sms"))
SMS_MAX_ATTEMPTS = env.int("SMS_MAX_ATTEMPTS", default=5)

# --- Invitations -------------------------------------------------------------------------------
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)
INVITATION_REMINDER_DAYS_BEFORE_EXPIRY = env.int(
    "INVITATION_REMINDER_DAYS_BEFORE_EXPIRY", default=3
)
# "notify": a lapsed link asks the inviting accountant to resend; "resend": a new link goes out.
INVITATION_RENEWAL = env("INVITATION_RENEWAL", default="notify")
# The acceptance link's rate limits (django-ratelimit, counted in the default cache): per
# client address and per link secret, over GET and POST together.
INVITATION_ACCEPT_RATE_PER_IP = "30/m"
INVITATION_ACCEPT_RATE_PER_LINK = "10/m"
# The request header that carries the client's address for those limits; empty: REMOTE_ADDR.
# Behind a reverse proxy every request comes from the proxy: name the header it sets.
RATELIMIT_IP_META_KEY = env("RATELIMIT_IP_META_KEY", default="") or None
INVITATION_BATCH_MAX_ROWS = 50
DELIVERY_SWEEP_AFTER = timedelta(minutes=env.int("DELIVERY_SWEEP_AFTER_MINUTES", default=3))
# Back-off between e-mail attempts: about base·2^(attempt−1) seconds with jitter, capped
# below the broker's visibility timeout.
DELIVERY_RETRY_BASE_SECONDS = env.float("DELIVERY_RETRY_BASE_SECONDS", default=30)
DELIVERY_RETRY_MAX_SECONDS = env.float("DELIVERY_RETRY_MAX_SECONDS", default=1800)
# A delivery "sending" this long belongs to a dead worker: e-mail is tried again, SMS "unknown".
DELIVERY_STUCK_AFTER = timedelta(minutes=env.int("DELIVERY_STUCK_AFTER_MINUTES", default=15))
# One task sends a chunk of this many deliveries of one channel (one claim, one SMTP connection,
# outcomes recorded in bulk every DELIVERY_RECORD_EVERY sends: the most a worker killed
# mid-chunk can have sent without recording, so the most a kill can send twice).
DELIVERY_CHUNK_SIZE = env.int("DELIVERY_CHUNK_SIZE", default=20)
DELIVERY_RECORD_EVERY = env.int("DELIVERY_RECORD_EVERY", default=10)
# A chunk's messages leave side by side over this many connections (SMTP, or Twilio's HTTP),
# each in a thread of its own: a message mostly waits for the server's answers.
DELIVERY_SEND_CONNECTIONS = env.int("DELIVERY_SEND_CONNECTIONS", default=4)

# --- Underlag ----------------------------------------------------------------------------------
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Underlag by e-mail (inbound) ---------------------------------------------------------------
# Each client company gets <name>-<random>@INBOUND_EMAIL_DOMAIN. Empty: the feature is off (no
# addresses are shown; mail that arrives anyway is recorded as to an unknown address). Point the
# domain's MX at the provider (ANYMAIL_ESP's inbound webhook) or at `manage.py receive_mail`.
INBOUND_EMAIL_DOMAIN = env("INBOUND_EMAIL_DOMAIN", default="").strip().lower()
# Larger messages are recorded as refused (with sender and subject), their content not kept.
INBOUND_MAX_MESSAGE_BYTES = env.int("INBOUND_MAX_MESSAGE_BYTES", default=25 * 1024 * 1024)
# Messages a client's address takes per day (Swedish time); beyond it each is recorded refused.
INBOUND_MAX_MESSAGES_PER_CLIENT_PER_DAY = env.int(
    "INBOUND_MAX_MESSAGES_PER_CLIENT_PER_DAY", default=200
)
# The firm setting "svara avsändaren" replies at most this often per sender and hour.
INBOUND_REPLIES_PER_SENDER_PER_HOUR = env.int("INBOUND_REPLIES_PER_SENDER_PER_HOUR", default=3)
# Messages still unprocessed after this long (a lost enqueue) are queued again by the sweep.
INBOUND_SWEEP_AFTER = timedelta(minutes=env.int("INBOUND_SWEEP_AFTER_MINUTES", default=5))

# --- Celery ------------------------------------------------------------------------------------
# Without a broker (the embedded default) tasks run in-process, after the commit that queued them.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fix-up would close the database connections around every task; with this
# it does so only every 10,000 tasks, and CONN_MAX_AGE decides (config.celery).
CELERY_DB_REUSE_MAX = 10_000
# Publishing gives up within a second when Redis refuses connections (one connection retry;
# a host that does not answer at all costs two connect timeouts), so that a request saving a
# batch never hangs on the broker for long; the sweep queues the rows later.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 3,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TIMEZONE = TIME_ZONE
# E-mail and SMS have queues of their own, so that a text never waits behind a large e-mail
# batch and a machine can run workers for one channel (`celery -A config worker -Q sms`). A
# worker started without -Q consumes all three.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in ("celery", "email", "sms")]
CELERY_TASK_ROUTES = {
    "invitations.tasks.send_email_deliveries": {"queue": "email"},
    "invitations.tasks.send_sms_deliveries": {"queue": "sms"},
}
CELERY_BEAT_SCHEDULE = {
    "sweep-pending-deliveries": {
        "task": "invitations.tasks.sweep_pending_deliveries",
        "schedule": timedelta(minutes=1),
    },
    "sweep-inbound-messages": {
        "task": "inbound.tasks.sweep_inbound_messages",
        "schedule": timedelta(minutes=5),
    },
    "send-invitation-reminders": {
        "task": "invitations.tasks.send_invitation_reminders",
        "schedule": crontab(minute=15),
    },
}

# Every line leaves through the console handler, whose filter masks invitation links'
# secrets, e-mail addresses and phone numbers, whoever wrote the line (Django's "Not Found:
# /inbjudan/<secret>/" among them); the Celery worker's handlers get the same filter
# (config.celery) and gunicorn's access log too (deploy/gunicorn.conf.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "operations.log_masking.MaskPersonalData"}},
    "formatters": {
        "kv": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "kv",
            "filters": ["mask_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own handlers (its DEBUG console, runserver's request lines) write without
        # the filter: its lines go through the console handler instead.
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # The Twilio SDK logs every request, its number and text included, at INFO.
        "twilio.http_client": {"level": "WARNING"},
    },
}

# --- Sign-in throttling (django-axes) ----------------------------------------------------------
# /logga-in/ and /admin/login/ (and any sign-in that calls authenticate with the request):
# after LOGIN_FAILURE_LIMIT failed passwords for one username (any case), or from one address,
# within LOGIN_LOCKOUT_MINUTES, further sign-ins are refused with a 429 page until that much
# time has passed without a new failure. Operators unlock with `manage.py axes_reset_username
# NAME` / `axes_reset_ip ADDRESS` or by deleting the row under "Access attempts" in the admin.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "accounts.login_throttle.username_key"
AXES_CLIENT_IP_CALLABLE = "accounts.login_throttle.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.login_throttle.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Successful sign-ins are not recorded: the portal keeps no log of who signed in from where.
AXES_DISABLE_ACCESS_LOG = True

# --- Response headers and sessions -------------------------------------------------------------
# Content-Security-Policy (django-csp): scripts, styles, images, fonts and connections from the
# portal's own origin only; no inline script, no handler attributes (static/js/ has them all).
# Style attributes are allowed (style-src-attr) for the widths of "Införande"'s bars; they
# cannot run code, and images from elsewhere stay blocked.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": ["'unsafe-inline'"],
        # blob: the client app's thumbnails of photos chosen on the phone (object URLs).
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (django-permissions-policy): the browser features the portal uses (the
# camera and passkeys of the client's app, on its own origin) and none other.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "browsing-topics": [],
    "camera": ["self"],
    "display-capture": [],
    "encrypted-media": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
    "usb": [],
}
# Accountants and staff are signed out after this long without a request (their sessions see
# every client); client users keep a session of SESSION_COOKIE_AGE on their phones.
ACCOUNTANT_IDLE_TIMEOUT = timedelta(minutes=env.int("ACCOUNTANT_IDLE_MINUTES", default=30))
SESSION_COOKIE_AGE = int(timedelta(days=env.int("SESSION_DAYS", default=14)).total_seconds())

# --- Personal data -----------------------------------------------------------------------------
# Erasing a client user (manage.py erase_personal_data, or the admin's action) deletes the
# underlag they sent longer ago than this; younger ones are the client's bookkeeping, which
# the firm must keep (Bokföringslagen: seven years), and stay without the sender's name.
PERSONAL_DATA_DOCUMENT_RETENTION_YEARS = env.int(
    "PERSONAL_DATA_DOCUMENT_RETENTION_YEARS", default=7
)
# Expired sessions go nightly: the wizard's drafts in them hold names, e-mails and mobiles.
CELERY_BEAT_SCHEDULE["clear-expired-sessions"] = {
    "task": "privacy.tasks.clear_expired_sessions",
    "schedule": crontab(hour=3, minute=40),
}
