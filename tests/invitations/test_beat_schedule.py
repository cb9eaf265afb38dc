"""Celery beat names its tasks by string: each name must be a task the worker knows."""

from datetime import timedelta

import pytest
from celery.beat import ScheduleEntry
from django.conf import settings
from django.core import mail
from django.utils import timezone

from config.celery import app
from invitations.models import Delivery
from tests.invitations.factories import DeliveryFactory


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


@pytest.mark.django_db
def test_beat_sweeps_the_outbox_every_minute(settings):
    """The entry beat reads: due a minute after its last run, not before, and its task (run
    by the name and arguments beat sends) queues again what a lost enqueue left pending."""
    app.loader.import_default_modules()
    entry = ScheduleEntry(
        name="sweep-pending-deliveries",
        app=app,
        **app.conf.beat_schedule["sweep-pending-deliveries"],
    )
    assert entry.schedule.run_every == timedelta(minutes=1)
    now = entry.schedule.now()
    assert entry.schedule.is_due(now - timedelta(seconds=61)).is_due
    assert not entry.schedule.is_due(now - timedelta(seconds=30)).is_due

    settings.DELIVERY_SWEEP_AFTER = timedelta(minutes=3)
    lost = DeliveryFactory(status_changed_at=timezone.now() - timedelta(minutes=10))
    app.tasks[entry.task].apply(args=entry.args, kwargs=entry.kwargs).get()

    assert Delivery.objects.get(pk=lost.pk).status == "sent"
    assert [message.to for message in mail.outbox] == [[lost.recipient]]
