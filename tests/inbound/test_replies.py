"""The firm's optional reply to the sender: off by default, never to automatic mail, at most a
few per sender and hour; the notice that a replaced address no longer takes mail."""

import pytest
from django.core import mail

from inbound.models import InboundMessage, ReplyStatus
from inbound.services.addresses import replace_address
from inbound.services.decisions import set_auto_reply
from inbound.services.receiving import receive_message

from .mail import pdf, raw_mime

pytestmark = pytest.mark.django_db(transaction=True)


def send(address, sender, **kwargs):
    raw = raw_mime(
        sender=sender, to=address.email, files=[("a.pdf", pdf(), "application/pdf")], **kwargs
    )
    [received] = receive_message(raw=raw, channel="test")
    return InboundMessage.objects.get(pk=received.message.pk)


def test_no_reply_unless_the_firm_wants_one(address, client_user):
    send(address, client_user.email)

    assert mail.outbox == []


def test_the_reply_says_how_many_files_were_received(address, client_user):
    set_auto_reply(firm=address.client.firm, enabled=True)

    record = send(address, client_user.email, subject="Mars")

    [reply] = mail.outbox
    assert reply.to == [client_user.email]
    assert reply.subject == "Re: Mars"
    assert "1 fil" in reply.body
    assert reply.extra_headers["Auto-Submitted"] == "auto-replied"
    assert record.reply_status == ReplyStatus.SENT


@pytest.mark.parametrize(
    "headers",
    [
        [("Auto-Submitted", "auto-replied")],
        [("Precedence", "bulk")],
        [("List-Id", "<kvitton.lists.example>")],
    ],
)
def test_never_a_reply_to_automatic_mail(address, client_user, headers):
    set_auto_reply(firm=address.client.firm, enabled=True)

    record = send(address, client_user.email, headers=headers)

    assert mail.outbox == []
    assert record.reply_status == ReplyStatus.AUTOMATIC


def test_at_most_a_few_replies_per_sender_and_hour(address, client_user, settings):
    settings.INBOUND_REPLIES_PER_SENDER_PER_HOUR = 2
    set_auto_reply(firm=address.client.firm, enabled=True)

    statuses = [send(address, client_user.email).reply_status for _ in range(4)]

    assert len(mail.outbox) == 2
    assert statuses == [
        ReplyStatus.SENT,
        ReplyStatus.SENT,
        ReplyStatus.LIMITED,
        ReplyStatus.LIMITED,
    ]


def test_a_replaced_address_tells_the_sender(address, client_user):
    replace_address(client=address.client, by=client_user)

    send(address, client_user.email)

    [notice] = mail.outbox
    assert address.email in notice.body
    assert "tar inte längre emot underlag" in notice.body
