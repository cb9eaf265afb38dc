"""E-mail through a real SMTP server on loopback, tasks in-process (the embedded mode)."""

import logging
import socket

import pytest
from django.db import connection
from django.utils import timezone

from invitations.event_text import delivery_error
from invitations.models import Delivery
from invitations.tasks import send_delivery
from tests.invitations.factories import DeliveryFactory

from .servers import free_port

pytestmark = pytest.mark.django_db


def test_a_refused_address_fails_at_once_with_the_reason(smtp_server):
    delivery = DeliveryFactory()
    smtp_server.handler.reject_recipients[delivery.recipient] = "550 5.1.1 No such user"

    send_delivery.delay(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.attempts == 1
    assert "550" in delivery.last_error and "No such user" in delivery.last_error
    assert delivery.invitation.events.filter(kind="failed").exists()
    assert smtp_server.received == []


def test_a_temporarily_refused_address_is_tried_again(smtp_server):
    delivery = DeliveryFactory()
    smtp_server.handler.reject_recipients[delivery.recipient] = "450 4.2.1 Mailbox busy"

    send_delivery.delay(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert "450" in delivery.last_error


def test_no_mail_server_is_retried_with_growing_back_off_then_fails(settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_MAX_ATTEMPTS = 3
    settings.DELIVERY_RETRY_BASE_SECONDS = 60
    delivery = DeliveryFactory()
    caplog.set_level(logging.INFO, logger="invitations.delivery")

    delays = []
    for _attempt in range(3):
        send_delivery.delay(delivery.pk)  # in-process, a retry never sleeps: it returns
        delivery.refresh_from_db()
        if delivery.status == "pending":
            # The delay as recorded: both times are the one "now" of the retry's record.
            delays.append((delivery.next_attempt_at - delivery.status_changed_at).total_seconds())
            Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())

    assert delivery.status == "failed"
    assert delivery.attempts == 3
    assert "gav upp efter 3 försök" in delivery_error(delivery)
    # Jitter within disjoint bands, base·2^(attempt−1) halved to whole: the second back-off
    # is longer than the first, whatever the jitter drew.
    assert 30 <= delays[0] <= 60 <= delays[1] <= 120
    assert delays[0] < delays[1]
    outcomes = [record.outcome for record in caplog.records if hasattr(record, "outcome")]
    assert outcomes == ["retry", "retry", "failed"]
    record = caplog.records[0]
    assert (record.delivery_id, record.invitation_id, record.channel, record.attempt) == (
        delivery.pk,
        delivery.invitation_id,
        "email",
        1,
    )


def test_a_mail_server_that_never_answers_is_retried_after_the_timeout(smtp_server, settings):
    delivery = DeliveryFactory()
    # Takes the connection (the listen queue) and never greets: smtplib waits EMAIL_TIMEOUT.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        settings.EMAIL_PORT = silent.getsockname()[1]
        settings.EMAIL_TIMEOUT = 0.3
        send_delivery.delay(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.next_attempt_at > delivery.status_changed_at
    assert "timed out" in delivery.last_error
    assert smtp_server.received == []

    settings.EMAIL_PORT = smtp_server.port  # the server answers again
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None)
    send_delivery.delay(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert [mail.recipients for mail in smtp_server.received] == [[delivery.recipient]]


def test_delivery_retry_max_seconds_caps_the_back_off(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_MAX_ATTEMPTS = 5
    settings.DELIVERY_RETRY_BASE_SECONDS = 60
    settings.DELIVERY_RETRY_MAX_SECONDS = 90
    delivery = DeliveryFactory()

    delays = []
    for _attempt in range(4):
        send_delivery.delay(delivery.pk)
        delivery.refresh_from_db()
        delays.append((delivery.next_attempt_at - delivery.status_changed_at).total_seconds())
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())

    # Uncapped: 30–60, 60–120, 120–240, 240–480 s; capped at 90: the later ones 45–90 s.
    assert 30 <= delays[0] <= 60
    assert all(45 <= delay <= 90 for delay in delays[1:]), delays
    assert delivery.status == "pending"


def test_a_retry_that_is_not_yet_due_sends_nothing(smtp_server):
    delivery = DeliveryFactory(next_attempt_at=timezone.now() + timezone.timedelta(minutes=5))

    send_delivery.delay(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert delivery.attempts == 0
    assert smtp_server.received == []


def test_the_firms_reply_to_address_and_a_configured_subject_are_used(smtp_server, settings):
    settings.INVITATION_EMAIL_SUBJECT = "Välkommen från {firm}"
    delivery = DeliveryFactory(invitation__client__firm__reply_to_email="kontakt@byran.test")

    send_delivery.delay(delivery.pk)

    (mail,) = smtp_server.received
    firm = delivery.invitation.client.firm
    assert mail.message["Subject"].strip() == f"Välkommen från {firm.name}"
    assert mail.message["Reply-To"] == "kontakt@byran.test"
    assert "no-reply@byraportalen.local" in mail.message["From"]
    delivery.refresh_from_db()
    assert delivery.provider_message_id == mail.message["Message-ID"]


@pytest.mark.django_db(transaction=True)
def test_the_message_id_is_stored_before_the_mail_server_has_the_message(smtp_server):
    delivery = DeliveryFactory()
    stored_while_sending = []

    def look_at_the_row(mail):
        # What a report arriving at this moment would find (in the server's own thread).
        try:
            row = Delivery.objects.get(pk=delivery.pk)
            stored_while_sending.append((row.status, row.provider_message_id))
        finally:
            connection.close()

    smtp_server.handler.on_data = look_at_the_row

    send_delivery.delay(delivery.pk)

    (mail,) = smtp_server.received
    assert stored_while_sending == [("sending", mail.message["Message-ID"])]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.provider_message_id) == ("sent", mail.message["Message-ID"])
