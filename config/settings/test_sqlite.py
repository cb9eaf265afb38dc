"""The few tests of tests/sqlite/ run on SQLite, the database of `make run`.

Everything else is the test settings: tasks run in-process, as they do without a broker.
"""

from .test import *  # noqa: F403

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
