"""The delivery pipeline in-process: claim once, the sweep, operator retries, the local run."""

import uuid

import pytest
from django.core import mail
from django.utils import timezone

from clients.models import ClientRight
from invitations.delivery import retry_deliveries, sweep_deliveries
from invitations.delivery import sending as delivery_service
from invitations.event_text import delivery_error
from invitations.models import Delivery
from invitations.services import NewUserRow, invite_new_users
from invitations.tasks import send_delivery, sweep_pending_deliveries
from tests.clients.factories import ClientCompanyFactory
from tests.invitations.factories import DeliveryFactory, InvitationFactory

pytestmark = pytest.mark.django_db


def minutes_ago(minutes: float):
    return timezone.now() - timezone.timedelta(minutes=minutes)


def test_a_delivery_is_sent_once_however_often_its_task_runs():
    delivery = DeliveryFactory()

    for _ in range(3):
        send_delivery.delay(delivery.pk)

    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert delivery.attempts == 1
    assert delivery.sent_at is not None
    assert delivery.invitation.events.filter(kind="sent").count() == 1


def test_only_one_claim_wins():
    delivery = DeliveryFactory()

    first = delivery_service.claim_delivery(delivery_id=delivery.pk, now=timezone.now())
    second = delivery_service.claim_delivery(delivery_id=delivery.pk, now=timezone.now())

    assert first is not None and second is None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sending", 1)


def test_a_revoked_invitation_is_not_sent():
    invitation = InvitationFactory(status="revoked", revoked_at=timezone.now())
    delivery = DeliveryFactory(invitation=invitation)

    send_delivery.delay(delivery.pk)

    assert mail.outbox == []
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.error_code == "invitation_closed"
    assert delivery_error(delivery) == "Inbjudan är återkallad"


def test_in_the_embedded_mode_the_wizards_mail_is_in_the_outbox_at_once(
    accountant, firm, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "invitations.delivery.outbox.OutboxEmailBackend"
    settings.EMAIL_OUTBOX_DIR = str(tmp_path)
    settings.SMS_OUTBOX_DIR = str(tmp_path / "sms")
    client = ClientCompanyFactory(firm=firm, name="Snickeriet AB")
    ClientRight.objects.create(accountant=accountant, client=client, is_system_admin=True)
    row = NewUserRow(
        client_id=client.pk,
        full_name="Sven Snickare",
        email="sven@snickeriet.test",
        username="sven",
        mobile="+46702223344",
    )

    with django_capture_on_commit_callbacks(execute=True):
        invite_new_users(accountant=accountant, firm=firm, rows=[row], submission_key=uuid.uuid4())

    from invitations.delivery.outbox import outbox_entries

    # Sent within the submit itself (tasks run in the request after the commit): both
    # messages are in the outbox once it returns, and no row waits for a worker or a retry.
    entries = outbox_entries()
    assert sorted(entry.kind for entry in entries) == ["email", "sms"]
    assert set(Delivery.objects.values_list("attempts", "next_attempt_at")) == {(1, None)}
    email = next(entry for entry in entries if entry.kind == "email")
    assert email.to == "sven@snickeriet.test"
    assert "Snickeriet AB" in email.body and "/inbjudan/" in email.html
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


class TestSweep:
    def test_requeues_what_stayed_pending_too_long_and_leaves_fresh_rows(self, settings):
        settings.DELIVERY_SWEEP_AFTER = timezone.timedelta(minutes=3)
        lost = DeliveryFactory(status_changed_at=minutes_ago(10))
        fresh = DeliveryFactory(status_changed_at=minutes_ago(1))
        overdue_retry = DeliveryFactory(
            status_changed_at=minutes_ago(30), next_attempt_at=minutes_ago(5)
        )
        waiting_retry = DeliveryFactory(
            status_changed_at=minutes_ago(30), next_attempt_at=minutes_ago(1)
        )
        sent = DeliveryFactory(status="sent", status_changed_at=minutes_ago(60))

        result = sweep_deliveries(now=timezone.now())

        assert sorted(result.requeue_ids) == sorted([lost.pk, overdue_retry.pk])
        assert fresh.pk not in result.requeue_ids
        assert waiting_retry.pk not in result.requeue_ids
        assert sent.pk not in result.requeue_ids

    def test_the_beat_task_sends_what_the_sweep_finds(self, settings):
        settings.DELIVERY_SWEEP_AFTER = timezone.timedelta(minutes=3)
        lost = DeliveryFactory(status_changed_at=minutes_ago(10))

        assert sweep_pending_deliveries.delay().get() == 1

        lost.refresh_from_db()
        assert lost.status == "sent"
        assert len(mail.outbox) == 1

    def test_reclaims_rows_stuck_in_sending(self, settings):
        """A dead worker: e-mail goes out again, an SMS becomes unknown (it may have left)."""
        settings.DELIVERY_STUCK_AFTER = timezone.timedelta(minutes=15)
        settings.EMAIL_MAX_ATTEMPTS = 3
        stuck_email = DeliveryFactory(status="sending", attempts=1, claimed_at=minutes_ago(20))
        spent_email = DeliveryFactory(status="sending", attempts=3, claimed_at=minutes_ago(20))
        busy_email = DeliveryFactory(status="sending", attempts=1, claimed_at=minutes_ago(1))
        invitation = InvitationFactory(user__mobile="+46709998877")
        stuck_sms = DeliveryFactory(
            invitation=invitation,
            channel="sms",
            recipient="+46709998877",
            status="sending",
            attempts=1,
            claimed_at=minutes_ago(20),
        )

        result = sweep_deliveries(now=timezone.now())

        assert result.requeue_ids == [stuck_email.pk]
        for row in (stuck_email, spent_email, busy_email, stuck_sms):
            row.refresh_from_db()
        assert stuck_email.status == "pending"
        assert spent_email.status == "failed"
        assert busy_email.status == "sending"
        assert stuck_sms.status == "unknown"
        assert delivery_error(stuck_sms) == "Arbetaren stannade under sändningen"

    def test_a_late_result_of_a_reclaimed_row_is_not_recorded(self, settings):
        settings.DELIVERY_STUCK_AFTER = timezone.timedelta(minutes=15)
        delivery = DeliveryFactory()
        claimed = delivery_service.claim_delivery(delivery_id=delivery.pk, now=minutes_ago(20))
        sweep_deliveries(now=timezone.now())
        send_delivery.delay(delivery.pk)  # the sweep's new attempt sends it
        delivery_service._record_failed(
            claimed, delivery_service.Reason("provider", "late"), timezone.now()
        )  # the old worker

        delivery.refresh_from_db()
        assert delivery.status == "sent"
        assert delivery.attempts == 2
        assert not delivery.invitation.events.filter(kind="failed").exists()


def test_operator_retry_gives_failed_and_unknown_rows_fresh_attempts(
    django_capture_on_commit_callbacks,
):
    failed = DeliveryFactory(status="failed", attempts=6, last_error="SMTP 451")
    unknown = DeliveryFactory(status="unknown", attempts=1)
    sent = DeliveryFactory(status="sent", attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        retried = retry_deliveries(deliveries=Delivery.objects.all())

    assert sorted(retried) == sorted([failed.pk, unknown.pk])
    for row in (failed, unknown, sent):
        row.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error) == ("sent", 1, "")
    assert unknown.status == "sent"
    assert sent.attempts == 1
    assert len(mail.outbox) == 2


def test_an_older_delivery_left_behind_by_a_resend_is_not_sent_too():
    invitation = InvitationFactory()
    older = DeliveryFactory(invitation=invitation, last_error="SMTP 451")
    newer = DeliveryFactory(invitation=invitation)

    send_delivery.delay(newer.pk)
    send_delivery.delay(older.pk)

    assert len(mail.outbox) == 1
    older.refresh_from_db()
    assert (older.status, delivery_error(older)) == ("failed", "Ersatt av ett nyare utskick")


def test_the_reminder_task_sends_reminders_through_the_pipeline(
    django_capture_on_commit_callbacks, settings
):
    from invitations.tasks import send_invitation_reminders

    settings.INVITATION_REMINDER_DAYS_BEFORE_EXPIRY = 3
    due = InvitationFactory(expires_at=timezone.now() + timezone.timedelta(days=2))
    InvitationFactory(expires_at=timezone.now() + timezone.timedelta(days=10))

    with django_capture_on_commit_callbacks(execute=True):
        send_invitation_reminders.delay()

    (message,) = mail.outbox
    assert message.to == [due.user.email]
    assert message.subject.startswith("Påminnelse: ")
    assert Delivery.objects.get(invitation=due).status == "sent"


def test_a_misconfigured_mail_provider_keeps_the_promise_for_a_later_attempt(settings, caplog):
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {}  # no server token: anymail refuses to send
    delivery = DeliveryFactory()

    with caplog.at_level("ERROR", logger="invitations.delivery"):
        send_delivery.delay(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert "AnymailConfigurationError" in delivery.last_error
    (record,) = caplog.records
    assert record.outcome == "retry" and record.exc_info
