"""Provider payloads posted to anymail's inbound URL (Postmark's format), with the webhook's
basic auth, and refused without it; only the configured provider's URL is mounted."""

import base64
import json

import pytest
from anymail.exceptions import AnymailInsecureWebhookWarning

from documents.models import Document
from inbound.models import InboundMessage, Outcome
from inbound.webhooks import inbound_urlpatterns

from .mail import pdf

SECRET = "hook:s3cret-for-tests"
URL = "/webhooks/anymail/postmark/inbound/"


@pytest.fixture
def postmark(settings, mounted_provider):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    mounted_provider("postmark")


def payload(*, sender: str, to: str, files=(), message_id="<pm-1@example.test>") -> dict:
    return {
        "FromFull": {"Email": sender, "Name": "Anna Svensson"},
        "ToFull": [{"Email": to, "Name": ""}],
        "OriginalRecipient": to,
        "Subject": "Kvitto från Postmark",
        "MessageID": "0f1e2d3c-postmark-uuid",
        "Headers": [{"Name": "Message-ID", "Value": message_id}],
        "TextBody": "Hej!",
        "HtmlBody": "",
        "Attachments": [
            {
                "Name": name,
                "Content": base64.b64encode(content).decode(),
                "ContentType": "application/pdf",
                "ContentLength": len(content),
            }
            for name, content in files
        ],
    }


def post(client, body: dict, auth: str | None = SECRET):
    headers = {}
    if auth:
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(auth.encode()).decode()
    return client.post(URL, data=json.dumps(body), content_type="application/json", **headers)


@pytest.mark.django_db(transaction=True)
def test_a_postmark_inbound_post_with_basic_auth_becomes_documents(
    client, postmark, address, client_user
):
    body = payload(
        sender=client_user.email, to=address.email, files=[("a.pdf", pdf(1)), ("b.pdf", pdf(2))]
    )

    response = post(client, body)

    assert response.status_code == 200
    [record] = InboundMessage.objects.all()
    assert record.outcome == Outcome.ACCEPTED
    assert record.channel == "Postmark"
    assert Document.objects.filter(client=address.client).count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_providers_retry_of_the_same_post_stores_nothing_new(
    client, postmark, address, client_user
):
    body = payload(sender=client_user.email, to=address.email, files=[("a.pdf", pdf())])

    assert post(client, body).status_code == 200
    assert post(client, body).status_code == 200

    assert InboundMessage.objects.count() == 1
    assert Document.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("auth", [None, "hook:wrong"])
def test_a_post_without_the_secret_is_refused_and_changes_nothing(
    client, postmark, address, client_user, auth
):
    body = payload(sender=client_user.email, to=address.email, files=[("a.pdf", pdf())])

    response = post(client, body, auth=auth)

    assert response.status_code == 400
    assert not InboundMessage.objects.exists()
    assert not Document.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_without_a_configured_secret_posts_are_not_believed(
    client, postmark, settings, address, client_user
):
    settings.ANYMAIL = {"WEBHOOK_SECRET": ""}
    body = payload(sender=client_user.email, to=address.email, files=[("a.pdf", pdf())])

    # anymail warns at such a post; the portal must still believe none of it.
    with pytest.warns(AnymailInsecureWebhookWarning):
        post(client, body, auth=None)

    assert not InboundMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_post_beyond_the_ceiling_is_recorded_unread(client, postmark, settings, address):
    settings.INBOUND_MAX_MESSAGE_BYTES = 1000
    body = payload(sender="x@example.test", to=address.email, files=[("a.pdf", b"%PDF" * 2000)])

    response = post(client, body)

    assert response.status_code == 200
    [record] = InboundMessage.objects.all()
    assert (record.outcome, record.reason) == (Outcome.REJECTED, "too_large")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("length", ["lång", "-1", "1e9", "٣"])
def test_a_content_length_that_is_no_number_is_no_server_error(
    client, postmark, address, client_user, length
):
    body = payload(sender=client_user.email, to=address.email, files=[("a.pdf", pdf(1))])
    auth = "Basic " + base64.b64encode(SECRET.encode()).decode()

    response = client.post(
        URL,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
        CONTENT_LENGTH=length,
    )

    assert response.status_code < 500


def test_only_the_configured_providers_inbound_url_is_mounted():
    assert [p.name for p in inbound_urlpatterns("postmark")] == ["postmark_inbound_webhook"]
    assert [p.name for p in inbound_urlpatterns("mailgun")] == ["mailgun_inbound_webhook"]
    assert inbound_urlpatterns("") == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("body", [b"", b"not json", b"[]", b'{"ToFull": 7}', b"\x00\xff" * 40])
def test_junk_to_the_configured_inbound_url_is_never_a_server_error(client, postmark, body):
    """Review finding 6: a post the provider's parser cannot read is a 400, not a 500."""
    auth = "Basic " + base64.b64encode(SECRET.encode()).decode()
    for content_type in ("application/json", "application/x-www-form-urlencoded"):
        response = client.post(URL, body, content_type=content_type, HTTP_AUTHORIZATION=auth)
        assert response.status_code == 400, (body, content_type, response.status_code)
    assert not Document.objects.exists()


def test_another_providers_inbound_url_answers_404(client, postmark):
    for esp in ("mailgun", "sendgrid", "amazon_ses", "mailjet", "sparkpost"):
        response = client.post(
            f"/webhooks/anymail/{esp}/inbound/", b"{}", content_type="text/plain"
        )
        assert response.status_code == 404, esp
