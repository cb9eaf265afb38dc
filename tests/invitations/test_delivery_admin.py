"""Django admin for invitations and deliveries, and the operators' commands."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from invitations.delivery.outbox import outbox_entries
from invitations.models import Delivery
from tests.invitations.factories import DeliveryFactory, InvitationFactory, SmsDeliveryFactory

pytestmark = pytest.mark.django_db


def _events(invitation):
    invitation.events.create(kind="created", actor=invitation.invited_by)


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:invitations_delivery_changelist",
        "admin:invitations_invitation_changelist",
        "admin:invitations_invitationevent_changelist",
        "admin:invitations_invitationbatch_changelist",
    ],
)
def test_change_lists_cost_no_query_per_row(superuser_client, url_name):
    def add(n):
        for _ in range(n):
            delivery = DeliveryFactory(status="failed", last_error="SMTP 550 " + "x" * 100)
            _events(delivery.invitation)

    add(2)
    url = reverse(url_name)
    with CaptureQueriesContext(connection) as few:
        assert superuser_client.get(url).status_code == 200
    add(12)
    with CaptureQueriesContext(connection) as many:
        assert superuser_client.get(url).status_code == 200

    assert len(many) == len(few)


def test_an_invitation_shows_its_deliveries_and_events(superuser_client):
    delivery = DeliveryFactory(status="failed", last_error="SMTP 550 No such user")
    _events(delivery.invitation)

    response = superuser_client.get(
        reverse("admin:invitations_invitation_change", args=[delivery.invitation.pk])
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "SMTP 550 No such user" in html
    assert "Skapad" in html


def test_the_retry_action_sends_failed_deliveries_again_and_skips_sent_ones(
    superuser_client, django_capture_on_commit_callbacks
):
    failed = DeliveryFactory(status="failed", attempts=6)
    sent = DeliveryFactory(status="sent", attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(
            reverse("admin:invitations_delivery_changelist"),
            {"action": "retry_selected", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )

    html = response.content.decode()
    assert "1 utskick skickas igen." in html
    assert "1 utskick hoppades över" in html
    failed.refresh_from_db()
    assert failed.status == "sent"
    assert len(mail.outbox) == 1


def test_deliveries_status_counts_per_status_and_names_the_oldest_pending():
    DeliveryFactory(status="failed")
    DeliveryFactory(
        status="pending", status_changed_at=timezone.now() - timezone.timedelta(minutes=42)
    )
    DeliveryFactory(status="pending")
    invitation = InvitationFactory(user__mobile="+46701112233")
    DeliveryFactory(invitation=invitation, channel="sms", recipient="+46701112233", status="sent")
    out = io.StringIO()

    call_command("deliveries_status", stdout=out)

    lines = {line.split()[0]: line.split()[1:3] for line in out.getvalue().splitlines()[1:7]}
    assert lines["pending"] == ["2", "0"]
    assert lines["failed"] == ["1", "0"]
    assert lines["sent"] == ["0", "1"]
    assert "(42 min)" in out.getvalue()


def test_retry_deliveries_needs_a_choice():
    with pytest.raises(CommandError):
        call_command("retry_deliveries")


@pytest.mark.parametrize(
    ("option", "chosen", "left"),
    [("--failed", "failed", "unknown"), ("--unknown", "unknown", "failed")],
)
def test_retry_deliveries_takes_only_the_chosen_status(
    option, chosen, left, django_capture_on_commit_callbacks
):
    retried = DeliveryFactory(status=chosen, attempts=1)
    untouched = DeliveryFactory(status=left, attempts=1)
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("retry_deliveries", option, stdout=out)

    assert "köade igen: 1" in out.getvalue()
    assert Delivery.objects.get(pk=retried.pk).status == "sent"
    assert Delivery.objects.get(pk=untouched.pk).status == left
    assert [message.to for message in mail.outbox] == [[retried.recipient]]


def test_retry_deliveries_channel_sms_leaves_the_e_mail(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.SMS_OUTBOX_DIR = str(tmp_path)
    failed_email = DeliveryFactory(status="failed")
    unknown_email = DeliveryFactory(status="unknown")
    failed_sms = SmsDeliveryFactory(status="failed")
    unknown_sms = SmsDeliveryFactory(status="unknown")
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("retry_deliveries", "--failed", "--unknown", "--channel", "sms", stdout=out)

    assert "köade igen: 2" in out.getvalue()
    statuses = dict(Delivery.objects.values_list("pk", "status"))
    assert statuses == {
        failed_email.pk: "failed",
        unknown_email.pk: "unknown",
        failed_sms.pk: "sent",
        unknown_sms.pk: "sent",
    }
    assert mail.outbox == []
    assert [entry.to for entry in outbox_entries()] == ["+46701234599", "+46701234599"]


def test_retry_deliveries_id_takes_only_the_named_rows(django_capture_on_commit_callbacks):
    first, second, third = (DeliveryFactory(status="failed") for _ in range(3))
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "retry_deliveries", "--failed", "--id", str(first.pk), "--id", str(third.pk), stdout=out
        )

    assert "köade igen: 2" in out.getvalue()
    statuses = dict(Delivery.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "sent", second.pk: "failed", third.pk: "sent"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.recipient, third.recipient])


def test_retry_deliveries_id_of_a_row_in_another_status_queues_nothing(
    django_capture_on_commit_callbacks,
):
    unknown = DeliveryFactory(status="unknown")
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("retry_deliveries", "--failed", "--id", str(unknown.pk), stdout=out)

    assert "köade igen: 0" in out.getvalue()
    assert Delivery.objects.get(pk=unknown.pk).status == "unknown"
    assert mail.outbox == []


def test_the_retry_action_sends_an_unknown_sms_again(
    superuser_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.SMS_OUTBOX_DIR = str(tmp_path)
    unknown = SmsDeliveryFactory(status="unknown")
    unknown.attempts, unknown.error_code = 1, "timeout"
    unknown.save(update_fields=["attempts", "error_code"])

    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(
            reverse("admin:invitations_delivery_changelist"),
            {"action": "retry_selected", "_selected_action": [unknown.pk]},
            follow=True,
        )

    html = response.content.decode()
    assert "1 utskick skickas igen." in html
    assert "hoppades över" not in html
    unknown.refresh_from_db()
    assert (unknown.status, unknown.attempts, unknown.error_code) == ("sent", 1, "")
    assert [entry.to for entry in outbox_entries()] == ["+46701234599"]


def test_sweep_deliveries_sends_what_was_left_pending(settings):
    settings.DELIVERY_SWEEP_AFTER = timezone.timedelta(minutes=3)
    lost = DeliveryFactory(status_changed_at=timezone.now() - timezone.timedelta(minutes=10))
    out = io.StringIO()

    call_command("sweep_deliveries", stdout=out)

    assert "köade igen: 1" in out.getvalue()
    assert Delivery.objects.get(pk=lost.pk).status == "sent"
    assert len(mail.outbox) == 1


def test_deliveries_status_prints_swedish_even_when_english_is_active():
    from django.utils import translation

    out = io.StringIO()
    with translation.override("en"):
        call_command("deliveries_status", stdout=out)

    text = out.getvalue()
    assert "Misslyckad" in text and "Failed" not in text
    assert "äldsta väntande: inget" in text
