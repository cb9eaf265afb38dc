"""SMS through the official Twilio SDK against a local server that speaks Twilio's API."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from invitations.delivery import sweep_deliveries
from invitations.event_text import delivery_error
from invitations.models import Delivery
from invitations.tasks import send_delivery
from tests.invitations.factories import SmsDeliveryFactory

from .conftest import TWILIO_SID, TWILIO_TOKEN, wait_until
from .servers import free_port


@pytest.mark.django_db
def test_an_sms_goes_out_with_twilios_form_fields_and_auth(twilio_server, settings):
    delivery = SmsDeliveryFactory(invitation__client__firm__name="Siffror & Co AB")

    send_delivery.delay(delivery.pk)

    (request,) = twilio_server.requests
    assert request.path == f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"
    assert request.auth == (TWILIO_SID, TWILIO_TOKEN)
    assert request.form["To"] == "+46701234599"
    assert request.form["From"] == settings.TWILIO_FROM
    assert "Siffror & Co AB" in request.form["Body"]
    assert "http://testserver/inbjudan/" in request.form["Body"]
    assert request.form["StatusCallback"] == (
        f"http://testserver/webhooks/twilio/status/{delivery.pk}/"
    )
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert delivery.provider_message_id.startswith("SM")


@pytest.mark.django_db
def test_a_messaging_service_sends_instead_of_a_number(twilio_server, settings):
    settings.TWILIO_FROM = ""
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "a" * 32
    delivery = SmsDeliveryFactory()

    send_delivery.delay(delivery.pk)

    (request,) = twilio_server.requests
    assert request.form["MessagingServiceSid"] == "MG" + "a" * 32
    assert "From" not in request.form


@pytest.mark.django_db
@pytest.mark.parametrize("answer", [500, 503, "drop"])
def test_a_5xx_or_a_dropped_connection_leaves_the_sms_unknown_and_does_not_resend(
    twilio_server, answer
):
    twilio_server.answers.append(answer)
    delivery = SmsDeliveryFactory()

    send_delivery.delay(delivery.pk)
    send_delivery.delay(delivery.pk)  # a redelivered task must not send it again

    assert len(twilio_server.requests) == 1
    delivery.refresh_from_db()
    assert delivery.status == "unknown"
    assert delivery.attempts == 1
    assert delivery.last_error


@pytest.mark.django_db
def test_a_timeout_after_sending_leaves_the_sms_unknown(twilio_server, settings):
    settings.TWILIO_TIMEOUT = 0.3
    twilio_server.answers.append("slow")
    delivery = SmsDeliveryFactory()

    send_delivery.delay(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == "unknown"
    assert delivery_error(delivery).startswith("Inget svar i tid: Twilio")
    wait_until(lambda: twilio_server.sent, timeout=3)  # Twilio did take it
    # ... so no second one: not from a redelivered task, not from a later sweep.
    send_delivery.delay(delivery.pk)
    later = sweep_deliveries(now=timezone.now() + timedelta(hours=1))
    assert delivery.pk not in later.requeue_ids
    assert len(twilio_server.requests) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("unknown", 1)


@pytest.mark.django_db
def test_each_sms_attempt_logs_one_line_of_ids_and_no_number_or_link(twilio_server, delivery_log):
    """As for e-mail: one record per attempt on ``invitations.delivery`` with the ids, the
    channel, the attempt and its outcome, and never the number, the name or the link (as
    the portal wrote it, before the console handler's masking filter)."""
    twilio_server.answers.extend([(429, 1), "ok", 500, 400])
    retried_then_sent = SmsDeliveryFactory(invitation__user__full_name="Greta Garbosson")
    left_unknown = SmsDeliveryFactory(invitation__user__full_name="Greta Garbosson")
    refused = SmsDeliveryFactory(invitation__user__full_name="Greta Garbosson")

    send_delivery.delay(retried_then_sent.pk)  # 429: pending, due after Twilio's Retry-After
    Delivery.objects.filter(pk=retried_then_sent.pk).update(next_attempt_at=timezone.now())
    send_delivery.delay(retried_then_sent.pk)
    send_delivery.delay(left_unknown.pk)
    send_delivery.delay(refused.pk)

    records = delivery_log
    assert [(r.delivery_id, r.invitation_id, r.channel, r.attempt, r.outcome) for r in records] == [
        (d.pk, d.invitation_id, "sms", attempt, outcome)
        for d, attempt, outcome in [
            (retried_then_sent, 1, "retry"),
            (retried_then_sent, 2, "sent"),
            (left_unknown, 1, "unknown"),
            (refused, 1, "failed"),
        ]
    ]
    assert len(twilio_server.requests) == 4
    secrets_sent = {
        r.form["Body"].split("/inbjudan/")[1].split("/")[0] for r in twilio_server.requests
    }
    for record in records:
        logged = record.getMessage() + " " + " ".join(map(str, vars(record).values()))
        for personal in (
            "+46701234599",
            "701234599",
            "Greta Garbosson",
            "/inbjudan/",
            *secrets_sent,
        ):
            assert personal not in logged, (record.outcome, personal)


@pytest.mark.django_db
def test_an_invalid_number_fails_at_once(twilio_server):
    twilio_server.answers.append(400)
    delivery = SmsDeliveryFactory()

    send_delivery.delay(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert "Twilio 400" in delivery.last_error
    assert delivery.invitation.events.filter(kind="failed").exists()


@pytest.mark.django_db
def test_no_connection_is_retried_later_because_the_sms_surely_never_left(settings, twilio_server):
    settings.TWILIO_API_BASE_URL = f"http://127.0.0.1:{free_port()}"
    delivery = SmsDeliveryFactory()

    send_delivery.delay(delivery.pk)

    # In-process (no broker) the task does not sleep through the back-off: it returns with
    # the row pending and due later, for the sweep.
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert delivery.next_attempt_at > timezone.now()
    assert twilio_server.requests == []
    assert delivery_error(delivery).startswith("Ingen anslutning: Twilio")

    settings.SMS_MAX_ATTEMPTS = 1
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None)
    send_delivery.delay(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.attempts == 2


@pytest.mark.django_db
def test_a_name_that_does_not_resolve_is_retried_later(settings, twilio_server):
    settings.TWILIO_API_BASE_URL = "http://api.twilio.invalid"
    delivery = SmsDeliveryFactory()

    send_delivery.delay(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert delivery_error(delivery).startswith("Ingen anslutning: Twilio")
    assert twilio_server.requests == []


@pytest.mark.django_db(transaction=True)
def test_429_is_retried_after_the_advised_delay(celery_worker, twilio_server):
    twilio_server.answers.append((429, 1))
    delivery = SmsDeliveryFactory()

    send_delivery.delay(delivery.pk)
    wait_until(lambda: Delivery.objects.filter(pk=delivery.pk, status="sent").exists(), timeout=10)

    assert len(twilio_server.requests) == 2
    assert len(twilio_server.sent) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    # The second attempt was claimed no sooner than Twilio's Retry-After (1 s) allowed.
    assert (delivery.claimed_at - delivery.created_at).total_seconds() >= 1


@pytest.mark.django_db
def test_without_twilio_credentials_the_sms_goes_to_the_local_outbox(settings, tmp_path):
    from invitations.delivery.outbox import outbox_entries

    settings.TWILIO_ACCOUNT_SID = ""
    settings.EMAIL_OUTBOX_DIR = str(tmp_path)
    settings.SMS_OUTBOX_DIR = str(tmp_path / "sms")
    delivery = SmsDeliveryFactory(invitation__client__firm__name="Lokala byrån AB")

    send_delivery.delay(delivery.pk)

    (entry,) = outbox_entries()
    assert entry.kind == "sms"
    assert entry.to == "+46701234599"
    assert "Lokala byrån AB" in entry.body
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert delivery.provider_message_id.startswith("LOCAL")


@pytest.mark.django_db(transaction=True)
def test_callbacks_that_arrive_before_twilios_answer_are_kept(twilio_server, live_server, settings):
    settings.SITE_URL = live_server.url
    twilio_server.callbacks = ["sent", "delivered"]
    delivery = SmsDeliveryFactory()

    send_delivery.delay(delivery.pk)

    # Both reached the portal while the worker still waited for the SDK call to return.
    assert twilio_server.callback_responses == [204, 204]
    (request,) = twilio_server.sent
    delivery.refresh_from_db()
    assert delivery.status == "delivered"  # the worker's later "sent" did not undo it
    assert delivery.provider_message_id == request.sid
    assert delivery.sent_at is not None
    events = list(delivery.invitation.events.values_list("kind", flat=True))
    assert sorted(events) == ["delivered", "sent"]


@pytest.mark.django_db(transaction=True)
def test_a_failure_reported_before_twilios_answer_is_final(twilio_server, live_server, settings):
    settings.SITE_URL = live_server.url
    twilio_server.callbacks = ["undelivered"]
    delivery = SmsDeliveryFactory()

    send_delivery.delay(delivery.pk)

    (request,) = twilio_server.sent
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.last_error == "Twilio undelivered"
    assert delivery.provider_message_id == request.sid
    assert list(delivery.invitation.events.values_list("kind", flat=True)) == ["failed"]


@pytest.mark.django_db(transaction=True)
def test_an_sms_left_unknown_by_a_timeout_is_settled_by_its_callback(
    twilio_server, live_server, settings
):
    settings.SITE_URL = live_server.url
    settings.TWILIO_TIMEOUT = 0.3
    twilio_server.answers.append("slow")
    twilio_server.callbacks = ["delivered"]
    delivery = SmsDeliveryFactory()

    send_delivery.delay(delivery.pk)
    assert Delivery.objects.get(pk=delivery.pk).status == "unknown"

    # The worker never learnt the SID; the callback names the delivery by its URL.
    wait_until(lambda: twilio_server.callback_responses == [204], timeout=5)
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert delivery.provider_message_id == twilio_server.sent[0].sid


@pytest.mark.django_db(transaction=True)
def test_a_worker_back_after_the_sweep_and_a_sent_callback_records_the_send_once(
    twilio_server, live_server, settings
):
    settings.SITE_URL = live_server.url

    def sweep_while_twilio_holds_the_request(form):
        # The worker looks dead to the sweep, which leaves the SMS unknown.
        try:
            later = timezone.now() + settings.DELIVERY_STUCK_AFTER + timedelta(seconds=1)
            sweep_deliveries(now=later)
        finally:
            connection.close()

    twilio_server.on_accept = sweep_while_twilio_holds_the_request
    twilio_server.callbacks = ["sent"]
    delivery = SmsDeliveryFactory()

    send_delivery.delay(delivery.pk)

    assert twilio_server.callback_responses == [204]
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert delivery.provider_message_id == twilio_server.sent[0].sid
    assert list(delivery.invitation.events.values_list("kind", flat=True)) == ["sent"]
