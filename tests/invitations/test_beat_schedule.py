"""Celery beat names its tasks by string: each name must be a task the worker knows."""

from django.conf import settings

from config.celery import app


def test_every_scheduled_task_is_registered_with_the_worker():
    app.loader.import_default_modules()  # what a worker does at start: autodiscovery

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled == {
        "invitations.tasks.sweep_pending_deliveries",
        "invitations.tasks.send_invitation_reminders",
    }
    assert scheduled <= set(app.tasks), scheduled - set(app.tasks)
