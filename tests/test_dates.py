"""One way of writing dates, from the active language's formats (config/formats/)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from inbound.models import InboundAddress, InboundMessage, Outcome, TrustedSender
from tests.accounts.factories import UserFactory
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
)
from tests.documents.factories import DocumentFactory
from tests.invitations.factories import DeliveryFactory, InvitationFactory

MOMENT = timezone.make_aware(timezone.datetime(2026, 12, 2, 9, 5))
ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")


@pytest.fixture
def pages(firm, accountant):
    company = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=accountant, client=company)
    invitation = InvitationFactory(client=company, expires_at=MOMENT)
    DeliveryFactory(invitation=invitation, status_changed_at=MOMENT)
    invitation.events.create(kind="created", created_at=MOMENT)
    document = DocumentFactory(client=company)
    type(document).objects.filter(pk=document.pk).update(created_at=MOMENT)
    return [
        reverse("invitations:overview"),
        reverse("invitations:detail", args=[invitation.pk]),
        reverse("clients:detail", args=[company.pk]),
        reverse("documents:firm_list"),
    ]


@pytest.mark.parametrize(("language", "date"), [("sv", "2 dec 2026"), ("en", "2 Dec 2026")])
def test_every_firm_page_writes_dates_the_same_way(accountant_client, pages, language, date):
    accountant_client.post(reverse("set_language"), {"language": language})

    for url in pages:
        page = accountant_client.get(url).content.decode()
        visible = re.sub(r'datetime="[^"]*"', "", page)
        assert date in page, url
        assert not ISO_DATE.search(visible), (url, ISO_DATE.search(visible))
        assert "december" not in visible.lower(), url


@pytest.fixture
def mail_pages(firm, accountant):
    """The pages about underlag by e-mail: the quarantine, a client's mail page (a trusted
    sender, a replaced address), and the client user's start page with their mail."""
    company = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=accountant, client=company)
    user = UserFactory(email="anna@bageriet.example")
    ClientMembershipFactory(client=company, user=user)
    InboundAddress.objects.create(client=company, local_part="gammal-1", replaced_at=MOMENT)
    address = InboundAddress.objects.create(client=company, local_part="ny-2")
    for outcome, sender in [(Outcome.QUARANTINED, "lev@x.example"), (Outcome.ACCEPTED, user.email)]:
        InboundMessage.objects.create(
            client=company,
            address=address,
            recipient=address.email,
            sender=sender,
            subject="Kvitto",
            dedup_key=outcome,
            token=outcome,
            channel="test",
            outcome=outcome,
            reason="unknown_sender" if outcome == Outcome.QUARANTINED else "client_user",
        )
    InboundMessage.objects.update(received_at=MOMENT)
    TrustedSender.objects.create(client=company, kind="sender", value="lev@y.example")
    TrustedSender.objects.update(added_at=MOMENT)
    document = DocumentFactory(client=company, uploaded_by=user)
    type(document).objects.filter(pk=document.pk).update(created_at=MOMENT)
    return user, [reverse("inbound:messages"), reverse("inbound:client", args=[company.pk])]


@pytest.mark.parametrize(("language", "date"), [("sv", "2 dec 2026"), ("en", "2 Dec 2026")])
def test_the_mail_pages_and_the_client_users_start_page_write_dates_the_same_way(
    client, accountant, mail_pages, language, date
):
    user, firm_pages = mail_pages
    for person, urls in [(accountant, firm_pages), (user, [reverse("documents:start")])]:
        client.force_login(person)
        client.post(reverse("set_language"), {"language": language})
        for url in urls:
            page = client.get(url).content.decode()
            visible = re.sub(r'datetime="[^"]*"', "", page)
            assert date in page, url
            assert not ISO_DATE.search(visible), url
            assert "december" not in visible.lower(), url
            if language == "sv":
                assert "2 Dec" not in visible, url  # the English month's capital
