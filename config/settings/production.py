"""Production: everything from the environment, HTTPS, no defaults that hide a mistake."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ANYMAIL_ESP, SMS_ENABLED, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A kept connection is tried (SELECT 1) before a request or a worker's task reuses it, so one
# that a database restart broke is replaced instead of failing that request or task.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# Production never falls back to the local run's stand-ins: without a broker, a mail service
# or a shared cache it refuses to start, rather than promise invitations that go nowhere,
# send them inside web requests, or keep a rate limit per process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = False
CACHES = {"default": env.cache("CACHE_URL")}
if not (env("EMAIL_URL", default="") or ANYMAIL_ESP):
    raise ImproperlyConfigured(
        "Set EMAIL_URL (an SMTP server) or ANYMAIL_ESP (a provider) to send invitation e-mail."
    )

# Without Twilio an SMS would only reach the local outbox (a file, and the worker's console):
# production refuses that unless SMS are explicitly off.
if SMS_ENABLED and not (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN):
    raise ImproperlyConfigured(
        "Set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (and TWILIO_FROM or "
        "TWILIO_MESSAGING_SERVICE_SID) to send SMS invitations, or SMS_ENABLED=false to send "
        "invitations by e-mail only."
    )

# X-Forwarded-Proto is believed only when the deployment says a TLS proxy sets it (and
# strips it from what clients send): otherwise any client could claim HTTPS.
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Load balancers probe over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# Uploaded underlag: local disk (MEDIA_ROOT) unless another Django storage backend is named,
# e.g. storages.backends.s3.S3Storage with its options as JSON.
STORAGES = {
    "default": {
        "BACKEND": env("FILE_STORAGE_BACKEND", default="")
        or "django.core.files.storage.FileSystemStorage",
        "OPTIONS": env.json("FILE_STORAGE_OPTIONS", default={}),
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
