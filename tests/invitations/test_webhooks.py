"""Provider feedback: anymail's tracking webhooks and Twilio's signed status callbacks."""

import base64
import json

import pytest
from twilio.request_validator import RequestValidator

from invitations.models import Delivery, InvitationEvent
from tests.invitations.factories import DeliveryFactory, InvitationFactory

pytestmark = pytest.mark.django_db

POSTMARK_URL = "/webhooks/anymail/postmark/tracking/"
TWILIO_URL = "/webhooks/twilio/status/"
TOKEN = "twilio-auth-token-for-tests"


@pytest.fixture
def anymail_secret(settings, mounted_provider):
    mounted_provider("postmark")
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": "hook:s3cret"}
    return "Basic " + base64.b64encode(b"hook:s3cret").decode()


@pytest.fixture
def twilio_token(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    return TOKEN


def _sent_email(message_id="pm-0001"):
    return DeliveryFactory(status="sent", provider_message_id=message_id)


def _sent_sms(sid="SM" + "1" * 32):
    invitation = InvitationFactory(user__mobile="+46701112233")
    return DeliveryFactory(
        invitation=invitation,
        channel="sms",
        recipient="+46701112233",
        status="sent",
        provider_message_id=sid,
    )


def _postmark(client, payload, auth):
    return client.post(
        POSTMARK_URL, json.dumps(payload), content_type="application/json", HTTP_AUTHORIZATION=auth
    )


def test_a_delivered_report_marks_the_email_delivered(client, anymail_secret):
    delivery = _sent_email()

    response = _postmark(
        client,
        {
            "RecordType": "Delivery",
            "MessageID": "pm-0001",
            "Recipient": delivery.recipient,
            "DeliveredAt": "2026-11-26T10:00:00Z",
            "Details": "250 OK",
        },
        anymail_secret,
    )

    assert response.status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert delivery.invitation.events.filter(kind="delivered").count() == 1


def test_a_bounce_marks_the_email_failed_with_the_reason_once(client, anymail_secret):
    delivery = _sent_email()
    bounce = {
        "RecordType": "Bounce",
        "Type": "HardBounce",
        "ID": 42,
        "MessageID": "pm-0001",
        "Email": delivery.recipient,
        "BouncedAt": "2026-11-26T10:00:00Z",
        "Description": "The server was unable to deliver your message",
        "Details": "smtp;550 5.1.1 The email account does not exist",
    }

    _postmark(client, bounce, anymail_secret)
    _postmark(client, bounce, anymail_secret)  # providers repeat themselves

    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert "unable to deliver" in delivery.last_error
    assert delivery.invitation.events.filter(kind="bounced").count() == 1


def test_a_spam_complaint_is_recorded_on_the_invitation(client, anymail_secret):
    delivery = _sent_email()

    _postmark(
        client,
        {
            "RecordType": "SpamComplaint",
            "Type": "SpamComplaint",
            "MessageID": "pm-0001",
            "Email": delivery.recipient,
            "BouncedAt": "2026-11-26T10:00:00Z",
        },
        anymail_secret,
    )

    assert delivery.invitation.events.filter(kind="complained").count() == 1


def test_an_anymail_webhook_without_the_secret_changes_nothing(client, anymail_secret):
    delivery = _sent_email()
    wrong = "Basic " + base64.b64encode(b"hook:guess").decode()

    response = _postmark(client, {"RecordType": "Delivery", "MessageID": "pm-0001"}, wrong)

    assert response.status_code in (400, 403)
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert not InvitationEvent.objects.filter(kind="delivered").exists()


def _signed(url_path, params, token=TOKEN):
    return RequestValidator(token).compute_signature("http://testserver" + url_path, params)


def test_a_signed_twilio_callback_marks_the_sms_delivered(client, twilio_token):
    delivery = _sent_sms()
    params = {"MessageSid": delivery.provider_message_id, "MessageStatus": "delivered"}

    response = client.post(TWILIO_URL, params, HTTP_X_TWILIO_SIGNATURE=_signed(TWILIO_URL, params))

    assert response.status_code == 204
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert delivery.invitation.events.filter(kind="delivered").exists()


def test_an_undelivered_sms_fails_with_twilios_error_code(client, twilio_token):
    delivery = _sent_sms()
    params = {
        "MessageSid": delivery.provider_message_id,
        "MessageStatus": "undelivered",
        "ErrorCode": "30003",
    }

    client.post(TWILIO_URL, params, HTTP_X_TWILIO_SIGNATURE=_signed(TWILIO_URL, params))

    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert "30003" in delivery.last_error


@pytest.mark.parametrize(
    "signature",
    [None, "", "bm90IGEgc2lnbmF0dXJl", "forged-with-another-token"],
)
def test_a_forged_twilio_callback_is_refused_and_changes_nothing(client, twilio_token, signature):
    delivery = _sent_sms()
    params = {"MessageSid": delivery.provider_message_id, "MessageStatus": "failed"}
    headers = {}
    if signature == "forged-with-another-token":
        headers["HTTP_X_TWILIO_SIGNATURE"] = _signed(TWILIO_URL, params, token="not-the-token")
    elif signature is not None:
        headers["HTTP_X_TWILIO_SIGNATURE"] = signature

    response = client.post(TWILIO_URL, params, **headers)

    assert response.status_code == 403
    assert Delivery.objects.get(pk=delivery.pk).status == "sent"
    assert not InvitationEvent.objects.exists()


def test_a_signature_over_other_parameters_is_refused(client, twilio_token):
    delivery = _sent_sms()
    signed = {"MessageSid": delivery.provider_message_id, "MessageStatus": "delivered"}
    sent = {**signed, "MessageStatus": "failed"}

    response = client.post(TWILIO_URL, sent, HTTP_X_TWILIO_SIGNATURE=_signed(TWILIO_URL, signed))

    assert response.status_code == 403
    assert Delivery.objects.get(pk=delivery.pk).status == "sent"


def test_without_an_auth_token_every_twilio_callback_is_refused(client, settings):
    settings.TWILIO_AUTH_TOKEN = ""
    delivery = _sent_sms()
    params = {"MessageSid": delivery.provider_message_id, "MessageStatus": "delivered"}

    response = client.post(TWILIO_URL, params, HTTP_X_TWILIO_SIGNATURE=_signed(TWILIO_URL, params))

    assert response.status_code == 403


def test_a_late_delivered_report_does_not_undo_a_failure(client, twilio_token):
    delivery = _sent_sms()
    for status in ("failed", "delivered"):
        params = {"MessageSid": delivery.provider_message_id, "MessageStatus": status}
        client.post(TWILIO_URL, params, HTTP_X_TWILIO_SIGNATURE=_signed(TWILIO_URL, params))

    delivery.refresh_from_db()
    assert delivery.status == "failed"


def test_without_a_webhook_secret_anymail_reports_are_not_believed(
    client, settings, mounted_provider
):
    mounted_provider("postmark")
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": ""}
    delivery = _sent_email()

    with pytest.warns(Warning, match="insecure"):
        client.post(
            POSTMARK_URL,
            json.dumps({"RecordType": "Bounce", "Type": "HardBounce", "MessageID": "pm-0001"}),
            content_type="application/json",
        )

    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert not InvitationEvent.objects.exists()


def _sending(channel="sms", **kwargs):
    """A delivery whose worker is still waiting for the provider's answer."""
    if channel == "sms":
        invitation = InvitationFactory(user__mobile="+46701112233")
        kwargs.update(invitation=invitation, recipient="+46701112233")
    return DeliveryFactory(channel=channel, status="sending", attempts=1, **kwargs)


def _status_url(delivery):
    return f"{TWILIO_URL}{delivery.pk}/"


def test_a_callback_for_an_sms_still_sending_finds_it_by_the_signed_url(client, twilio_token):
    delivery = _sending()
    url = _status_url(delivery)
    params = {"MessageSid": "SM" + "2" * 32, "MessageStatus": "delivered"}

    response = client.post(url, params, HTTP_X_TWILIO_SIGNATURE=_signed(url, params))

    assert response.status_code == 204
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert delivery.provider_message_id == "SM" + "2" * 32
    assert delivery.invitation.events.filter(kind="delivered").count() == 1


def test_a_sent_callback_while_sending_leaves_the_sent_event_to_the_worker(client, twilio_token):
    delivery = _sending()
    url = _status_url(delivery)
    params = {"MessageSid": "SM" + "2" * 32, "MessageStatus": "sent"}

    client.post(url, params, HTTP_X_TWILIO_SIGNATURE=_signed(url, params))

    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert not InvitationEvent.objects.exists()


def test_a_late_sent_callback_does_not_undo_delivered(client, twilio_token):
    delivery = _sending()
    url = _status_url(delivery)
    for status in ("delivered", "sent", "queued"):
        params = {"MessageSid": "SM" + "2" * 32, "MessageStatus": status}
        client.post(url, params, HTTP_X_TWILIO_SIGNATURE=_signed(url, params))

    delivery.refresh_from_db()
    assert delivery.status == "delivered"


def test_a_callback_signed_for_another_deliverys_url_is_refused(client, twilio_token):
    mine = _sending()
    other = _sent_sms()
    params = {"MessageSid": other.provider_message_id, "MessageStatus": "failed"}
    signature = _signed(_status_url(mine), params)

    response = client.post(_status_url(other), params, HTTP_X_TWILIO_SIGNATURE=signature)

    assert response.status_code == 403
    assert Delivery.objects.get(pk=other.pk).status == "sent"
    assert Delivery.objects.get(pk=mine.pk).status == "sending"
    assert not InvitationEvent.objects.exists()


def test_a_callback_about_another_message_than_the_one_recorded_changes_nothing(
    client, twilio_token
):
    # E.g. a straggler from an attempt before an operator's retry.
    delivery = _sent_sms(sid="SM" + "3" * 32)
    url = _status_url(delivery)
    params = {"MessageSid": "SM" + "4" * 32, "MessageStatus": "undelivered"}

    response = client.post(url, params, HTTP_X_TWILIO_SIGNATURE=_signed(url, params))

    assert response.status_code == 204
    delivery.refresh_from_db()
    assert (delivery.status, delivery.provider_message_id) == ("sent", "SM" + "3" * 32)
    assert not InvitationEvent.objects.exists()


def test_an_email_report_is_matched_by_the_delivery_id_in_its_metadata(client, anymail_secret):
    # Still sending: the row holds only the Message-ID we set, not the provider's id.
    delivery = _sending(channel="email", provider_message_id="<own.id@testserver>")

    _postmark(
        client,
        {
            "RecordType": "Bounce",
            "Type": "HardBounce",
            "ID": 43,
            "MessageID": "pm-0002",
            "Email": delivery.recipient,
            "BouncedAt": "2026-11-26T10:00:00Z",
            "Description": "Mailbox does not exist",
            "Metadata": {"delivery_id": str(delivery.pk)},
        },
        anymail_secret,
    )

    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.provider_message_id == "pm-0002"
    assert delivery.invitation.events.filter(kind="bounced").count() == 1


def test_an_email_report_naming_our_message_id_without_brackets_matches(client, anymail_secret):
    delivery = _sent_email(message_id="<own.id@testserver>")

    _postmark(
        client,
        {"RecordType": "Delivery", "MessageID": "own.id@testserver", "Recipient": "x"},
        anymail_secret,
    )

    delivery.refresh_from_db()
    assert delivery.status == "delivered"


def test_a_report_naming_an_empty_message_id_leaves_the_unsent_rows_alone(client, anymail_secret):
    waiting = DeliveryFactory(status="pending", provider_message_id="")
    complaint = {"RecordType": "SpamComplaint", "Type": "SpamComplaint", "Email": "x"}

    _postmark(client, {**complaint, "MessageID": "<>"}, anymail_secret)

    assert not waiting.invitation.events.filter(kind="complained").exists()


def test_an_sms_left_unknown_is_settled_sent_by_twilios_callback(client, twilio_token):
    # The worker timed out waiting for Twilio and never learnt the SID.
    invitation = InvitationFactory(user__mobile="+46701112233")
    delivery = DeliveryFactory(
        invitation=invitation, channel="sms", recipient="+46701112233", status="unknown"
    )
    url = _status_url(delivery)
    params = {"MessageSid": "SM" + "5" * 32, "MessageStatus": "sent"}

    client.post(url, params, HTTP_X_TWILIO_SIGNATURE=_signed(url, params))
    client.post(url, params, HTTP_X_TWILIO_SIGNATURE=_signed(url, params))

    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert delivery.provider_message_id == "SM" + "5" * 32
    assert delivery.sent_at is not None
    assert delivery.invitation.events.filter(kind="sent").count() == 1


# --- Review finding 6: only the configured provider's tracking webhook is mounted ----------

OTHER_PROVIDERS = ["mailgun", "sendgrid", "amazon_ses", "mailjet", "sparkpost", "mandrill"]
JUNK = [b"", b"not json", b"[]", b'{"RecordType": 7}', b"\x00\xff" * 40, b'"x"', b"{}"]


@pytest.mark.parametrize("esp", OTHER_PROVIDERS)
def test_another_providers_tracking_url_answers_404(client, anymail_secret, esp):
    for body in JUNK:
        response = client.post(
            f"/webhooks/anymail/{esp}/tracking/",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=anymail_secret,
        )
        assert response.status_code == 404, (esp, body)
    # The inbound URLs likewise: no provider's, since none is configured for the test.
    inbound = client.post(f"/webhooks/anymail/{esp}/inbound/", b"{}", content_type="text/plain")
    assert inbound.status_code == 404


def test_without_a_provider_no_tracking_url_is_mounted(client, settings, mounted_provider):
    mounted_provider("")
    assert client.post(POSTMARK_URL, b"{}", content_type="application/json").status_code == 404


@pytest.mark.parametrize("body", JUNK)
def test_junk_to_the_configured_providers_url_is_never_a_server_error(client, anymail_secret, body):
    delivery = _sent_email()
    for auth in (anymail_secret, None, "Basic " + base64.b64encode(b"x:y").decode()):
        headers = {"HTTP_AUTHORIZATION": auth} if auth else {}
        for content_type in ("application/json", "application/x-www-form-urlencoded"):
            response = client.post(POSTMARK_URL, body, content_type=content_type, **headers)
            # Unreadable: 400; readable but about nothing of ours ("{}"): 200, nothing done.
            expected = {400, 200} if auth == anymail_secret else {400}
            assert response.status_code in expected, (body, auth, response.status_code)
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert not InvitationEvent.objects.exists()


def test_the_configured_providers_url_answers_with_its_basic_auth(client, anymail_secret):
    _sent_email()
    body = json.dumps({"RecordType": "Delivery", "MessageID": "pm-0001"})
    with_auth = client.post(
        POSTMARK_URL, body, content_type="application/json", HTTP_AUTHORIZATION=anymail_secret
    )
    without = client.post(POSTMARK_URL, body, content_type="application/json")

    assert (with_auth.status_code, without.status_code) == (200, 400)
    assert Delivery.objects.get().status == "delivered"
