"""E-mail through anymail (Postmark's API on a local server), then its tracking webhook."""

import base64
import json
from urllib.request import Request, urlopen

import pytest

from invitations.models import Delivery
from invitations.tasks import send_delivery
from tests.invitations.factories import DeliveryFactory

from .servers import JsonApiServer

pytestmark = pytest.mark.django_db


def _accepted(body):
    return {"To": body["To"], "MessageID": "pm-4711", "ErrorCode": 0, "Message": "OK"}


@pytest.fixture
def postmark(settings, mounted_provider):
    mounted_provider("postmark")
    server = JsonApiServer(default=(200, _accepted))
    server.start()
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {
        "POSTMARK_SERVER_TOKEN": "server-token",
        "POSTMARK_API_URL": server.base_url + "/",
        "WEBHOOK_SECRET": "hook:s3cret",
    }
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("status", "answer"),
    [
        (503, {"ErrorCode": 100, "Message": "Maintenance"}),
        (429, {"Message": "Rate limit exceeded"}),
    ],
)
def test_a_provider_5xx_or_429_is_retried_and_the_providers_id_is_kept(postmark, status, answer):
    postmark.answers.append((status, answer))
    delivery = DeliveryFactory()

    send_delivery.delay(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.next_attempt_at > delivery.status_changed_at
    assert str(status) in delivery.last_error

    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None)
    send_delivery.delay(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert delivery.provider_message_id == "pm-4711"
    path, headers, body = postmark.requests[-1]
    assert path == "/email"
    assert headers["X-Postmark-Server-Token"] == "server-token"
    assert body["To"] == delivery.recipient
    assert "har bjudit in dig" in body["Subject"]
    assert body["TextBody"] and body["HtmlBody"]


def test_an_invalid_address_refused_by_the_provider_fails_at_once(postmark):
    delivery = DeliveryFactory()
    message = f"Invalid 'To' address: '{delivery.recipient}'."
    postmark.answers.append((422, {"ErrorCode": 300, "Message": message}))

    send_delivery.delay(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert "rejected or invalid" in delivery.last_error
    # The row names its recipient; its reason does not repeat it (review finding 5).
    assert delivery.recipient not in delivery.last_error


def test_the_providers_delivered_webhook_reaches_the_sent_row(postmark, client):
    delivery = DeliveryFactory()
    send_delivery.delay(delivery.pk)

    response = client.post(
        "/webhooks/anymail/postmark/tracking/",
        json.dumps({"RecordType": "Delivery", "MessageID": "pm-4711", "Recipient": "x"}),
        content_type="application/json",
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"hook:s3cret").decode(),
    )

    assert response.status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == "delivered"


@pytest.mark.django_db(transaction=True)
def test_a_report_that_arrives_before_the_providers_answer_is_matched_by_metadata(
    postmark, live_server, settings
):
    settings.SITE_URL = live_server.url
    reports = []

    def deliver_then_accept(body):
        # Postmark's Delivery webhook, echoing the metadata, posted while the worker still
        # waits for the API's answer and so before it knows the id "pm-4711".
        report = {
            "RecordType": "Delivery",
            "MessageID": "pm-4711",
            "Recipient": body["To"],
            "DeliveredAt": "2026-11-26T10:00:00Z",
            "Details": "250 OK",
            "Metadata": body["Metadata"],
        }
        request = Request(
            live_server.url + "/webhooks/anymail/postmark/tracking/",
            data=json.dumps(report).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": "Basic " + base64.b64encode(b"hook:s3cret").decode(),
            },
        )
        with urlopen(request, timeout=10) as response:
            reports.append(response.status)
        return _accepted(body)

    postmark.default = (200, deliver_then_accept)
    delivery = DeliveryFactory()

    send_delivery.delay(delivery.pk)

    _path, _headers, body = postmark.requests[0]
    assert body["Metadata"] == {"delivery_id": str(delivery.pk)}
    assert reports == [200]
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert delivery.provider_message_id == "pm-4711"
    assert delivery.sent_at is not None
    events = list(delivery.invitation.events.values_list("kind", flat=True))
    assert sorted(events) == ["delivered", "sent"]
