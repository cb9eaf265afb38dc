"""Celery beat names its tasks by string: each name must be a task the worker knows."""

from django.conf import settings

from config.celery import app


def test_every_scheduled_task_is_registered_with_the_worker():
    app.loader.import_default_modules()  # what a worker does at start: autodiscovery

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled == {
        "invitations.tasks.sweep_pending_deliveries",
        "invitations.tasks.send_invitation_reminders",
        "privacy.tasks.clear_expired_sessions",
        "inbound.tasks.sweep_inbound_messages",
    }
    assert scheduled <= set(app.tasks), scheduled - set(app.tasks)


def test_delivery_tasks_keep_their_names_so_queued_messages_survive_a_deploy():
    """Messages already in the broker name their task by string; moving the code into
    ``invitations.delivery`` must not change those names, nor the old import path."""
    from invitations import tasks
    from invitations.delivery import tasks as delivery_tasks

    app.loader.import_default_modules()

    for name in [
        "dispatch_deliveries",
        "send_delivery",
        "sweep_pending_deliveries",
        "notify_renewal_requested",
    ]:
        assert f"invitations.tasks.{name}" in app.tasks
        assert getattr(tasks, name) is getattr(delivery_tasks, name)
        assert getattr(tasks, name).name == f"invitations.tasks.{name}"
