"""The Celery application, configured from Django settings (the ``CELERY_`` namespace)."""

import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
# Celery's Django fix-up runs the system checks when a worker starts, and the URL checks
# import every view (passkeys' webauthn, the spreadsheets, the provider webhooks) into the
# main process, which never runs a task: about 20 MiB more in it (issue 11: worker memory).
# The web processes and `manage.py migrate` run the checks; a worker imports a view only if
# one of its tasks needs a URL.
os.environ.setdefault("CELERY_SKIP_CHECKS", "1")

app = Celery("byraportalen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
@after_setup_task_logger.connect
def _mask_personal_data(logger, **kwargs):
    """The worker replaces Django's log handlers with its own: they mask what Django's would
    (invitation links' secrets, addresses, numbers; ``operations.log_masking``)."""
    from operations.log_masking import mask_handlers

    mask_handlers(logger)


@task_prerun.connect
@task_postrun.connect
def _close_old_database_connections(task=None, **kwargs):
    """Database connections live as long as CONN_MAX_AGE says, in a worker as in a request.

    Celery's Django fix-up closes every connection before and after each task unless
    CELERY_DB_REUSE_MAX is set (base settings set it), so each task paid a new PostgreSQL
    connection: about 4 ms, a third of an inbound message's time (issue 13). Django's own
    rule takes its place: close a connection that outlived CONN_MAX_AGE, is broken, or was
    left inside a transaction. Not around a task run eagerly (in the process that queued it,
    perhaps inside that process's transaction), as the fix-up does not either.
    """
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
