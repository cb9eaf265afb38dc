"""One way of writing dates, from the active language's formats (config/formats/)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.clients.factories import ClientCompanyFactory, ClientRightFactory
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
