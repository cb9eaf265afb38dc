"""The Celery application, configured from Django settings (the ``CELERY_`` namespace)."""

import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

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
