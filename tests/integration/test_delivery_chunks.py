"""One task sends a chunk of deliveries: one claim, one SMTP connection, records in bulk.

Real SMTP on loopback and the local Twilio; tasks in-process unless a test uses the broker.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invitations.delivery import sms
from invitations.delivery.sending import chunks_by_channel
from invitations.models import Delivery, InvitationEvent
from invitations.tasks import dispatch_deliveries, send_email_deliveries, send_sms_deliveries
from tests.invitations.factories import DeliveryFactory

pytestmark = pytest.mark.django_db


def _statuses(deliveries) -> list[str]:
    return [Delivery.objects.get(pk=d.pk).status for d in deliveries]


@pytest.mark.parametrize("connections", [1, 3])
def test_a_chunk_goes_over_the_chunks_few_smtp_connections_and_is_recorded_in_bulk(
    smtp_server, settings, connections
):
    settings.DELIVERY_RECORD_EVERY = 100
    settings.DELIVERY_SEND_CONNECTIONS = connections
    deliveries = DeliveryFactory.create_batch(8)

    with CaptureQueriesContext(connection) as queries:
        send_email_deliveries.delay([d.pk for d in deliveries])

    assert _statuses(deliveries) == ["sent"] * 8
    assert sorted(m.recipients[0] for m in smtp_server.received) == sorted(
        d.recipient for d in deliveries
    )
    assert 1 <= len({mail.peer for mail in smtp_server.received}) <= connections
    assert InvitationEvent.objects.filter(kind="sent").count() == 8
    for delivery in deliveries:
        delivery.refresh_from_db()
        assert delivery.attempts == 1 and delivery.sent_at is not None
        assert delivery.provider_message_id.startswith("<")
    # Claim, load, the older-deliveries check, the Message-IDs, and one recording
    # transaction (lock, update, invitations, events), whatever the size of the chunk.
    assert len(queries) <= 12, [q["sql"][:60] for q in queries.captured_queries]


def test_one_refused_address_in_a_chunk_fails_alone(smtp_server):
    deliveries = DeliveryFactory.create_batch(3)
    smtp_server.handler.reject_recipients[deliveries[1].recipient] = "550 5.1.1 No such user"

    send_email_deliveries.delay([d.pk for d in deliveries])

    assert _statuses(deliveries) == ["sent", "failed", "sent"]
    assert len(smtp_server.received) == 2


def test_a_server_hanging_up_mid_chunk_costs_one_retry_and_the_rest_go_on_a_new_connection(
    smtp_server, settings
):
    settings.DELIVERY_SEND_CONNECTIONS = 1  # one connection, so the order is the chunk's
    deliveries = DeliveryFactory.create_batch(4)
    smtp_server.handler.hang_up_after = 1  # the second message gets 421 and a closed line

    send_email_deliveries.delay([d.pk for d in deliveries])

    assert _statuses(deliveries) == ["sent", "pending", "sent", "sent"]
    assert "421" in Delivery.objects.get(pk=deliveries[1].pk).last_error
    assert len({mail.peer for mail in smtp_server.received}) == 2


def test_no_mail_server_fails_the_whole_chunk_at_once_for_a_later_attempt(settings):
    from .servers import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    deliveries = DeliveryFactory.create_batch(3)

    send_email_deliveries.delay([d.pk for d in deliveries])

    assert _statuses(deliveries) == ["pending"] * 3
    for delivery in deliveries:
        delivery.refresh_from_db()
        assert "ConnectionRefused" in delivery.last_error and delivery.next_attempt_at


def test_a_batch_is_split_into_chunks_of_one_channel(settings):
    settings.DELIVERY_CHUNK_SIZE = 2
    emails = DeliveryFactory.create_batch(3)
    texts = DeliveryFactory.create_batch(2, channel="sms", recipient="+46701234567")

    chunks = chunks_by_channel([d.pk for d in [*texts, *emails]])

    assert chunks == [
        ("email", [emails[0].pk, emails[1].pk]),
        ("email", [emails[2].pk]),
        ("sms", [texts[0].pk, texts[1].pk]),
    ]


def test_sms_of_a_chunk_go_through_the_processs_one_twilio_client(twilio_server):
    deliveries = DeliveryFactory.create_batch(3, channel="sms", recipient="+46701234567")

    send_sms_deliveries.delay([d.pk for d in deliveries])

    assert _statuses(deliveries) == ["sent"] * 3
    assert len(twilio_server.sent) == 3
    assert sms.twilio_client() is sms.twilio_client()


def test_a_new_twilio_configuration_gets_a_new_client(twilio_server, settings):
    first = sms.twilio_client()
    settings.TWILIO_AUTH_TOKEN = "another-token"

    assert sms.twilio_client() is not first
    assert sms.twilio_client().password == "another-token"


@pytest.mark.django_db(transaction=True)
def test_e_mail_and_sms_chunks_go_to_their_own_queues(with_broker):
    emails = DeliveryFactory.create_batch(2)
    texts = DeliveryFactory.create_batch(1, channel="sms", recipient="+46701234567")
    redis = with_broker.connection_for_write().default_channel.client

    dispatch_deliveries.apply(([d.pk for d in [*emails, *texts]],))  # here; chunks queued

    assert redis.llen("celery") == 0
    assert redis.llen("email") == 1, "one chunk, on the e-mail queue only"
    assert redis.llen("sms") == 1
