"""The zero-setup local run: SQLite, tasks in-process, e-mail and SMS to a local outbox."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
if not env("EMAIL_URL", default="") and not env("ANYMAIL_ESP", default=""):
    # Each message is written to var/outbox/ and echoed to the console; /utveckling/utkorg/
    # lists them so their links can be followed without a mail server.
    EMAIL_BACKEND = "invitations.delivery.outbox.OutboxEmailBackend"

(BASE_DIR / "var").mkdir(exist_ok=True)

# `make run`'s client companies get addresses here; `manage.py receive_mail` takes their mail.
INBOUND_EMAIL_DOMAIN = env("INBOUND_EMAIL_DOMAIN", default="underlag.localhost").strip().lower()
