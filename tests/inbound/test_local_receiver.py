"""The local receiver: a real SMTP session with smtplib to `manage.py receive_mail` on
loopback, and the documents appear."""

import smtplib

import pytest

from documents.models import Document
from inbound.models import InboundMessage, Outcome, Reason

from .mail import pdf, raw_mime
from .receiver import running_receiver


@pytest.fixture
def receiver():
    with running_receiver() as port:
        yield port


@pytest.mark.django_db(transaction=True)
def test_a_mail_sent_with_smtplib_lands_as_underlag(receiver, address, client_user):
    raw = raw_mime(
        sender=client_user.email,
        to=address.email,
        subject="Två kvitton",
        files=[("a.pdf", pdf(1), "application/pdf"), ("b.pdf", pdf(2), "application/pdf")],
    )

    with smtplib.SMTP("127.0.0.1", receiver, timeout=10) as smtp:
        smtp.sendmail(client_user.email, [address.email], raw)

    assert Document.objects.filter(client=address.client).count() == 2
    assert InboundMessage.objects.get().outcome == Outcome.ACCEPTED


@pytest.mark.django_db(transaction=True)
def test_an_unknown_address_is_refused_in_the_session_and_recorded(receiver, address):
    raw = raw_mime(sender="someone@example.test", to="nobody-x@inkommet.test")

    with smtplib.SMTP("127.0.0.1", receiver, timeout=10) as smtp:
        with pytest.raises(smtplib.SMTPDataError) as refused:
            smtp.sendmail("someone@example.test", ["nobody-x@inkommet.test"], raw)

    assert refused.value.smtp_code == 550
    assert InboundMessage.objects.get().reason == Reason.UNKNOWN_ADDRESS
