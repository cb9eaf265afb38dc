"""Tests run against PostgreSQL and Redis, as production does."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijklmnop"
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/byraportalen"),
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
SITE_URL = "http://testserver"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tasks run in-process unless a test starts a real worker; the broker URL then points at a
# Redis database of the tests' own, so that a stray worker on /0 never takes a test task.
CELERY_BROKER_URL = env("TEST_CELERY_BROKER_URL", default="redis://127.0.0.1:6379/2")
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

TWILIO_ACCOUNT_SID = ""
TWILIO_AUTH_TOKEN = ""
LOGGING["root"]["level"] = "WARNING"  # noqa: F405

# Static files come from the finders in tests; WhiteNoise need not index a collected folder.
WHITENOISE_AUTOREFRESH = True

# The local outbox of a test run never mixes with the one `make run` shows.
EMAIL_OUTBOX_DIR = tempfile.mkdtemp(prefix="byraportalen-test-outbox-")
SMS_OUTBOX_DIR = str(Path(EMAIL_OUTBOX_DIR) / "sms")

INBOUND_EMAIL_DOMAIN = "inkommet.test"
