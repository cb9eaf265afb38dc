"""Införande: invited → delivered → accepted → sent a first document, per firm and accountant."""

import re

import pytest
from django.urls import reverse

from invitations.models import InvitationStatus
from invitations.selectors import firm_adoption
from tests.accounts.factories import UserFactory
from tests.bureau.factories import AccountantFactory
from tests.clients.factories import ClientCompanyFactory
from tests.documents.factories import DocumentFactory
from tests.invitations.factories import DeliveryFactory, InvitationFactory


def invite(*, by, client, delivered=False, accepted=False, sent_document=False):
    invitation = InvitationFactory(
        invited_by=by,
        client=client,
        status=InvitationStatus.ACCEPTED if accepted else InvitationStatus.PENDING,
    )
    DeliveryFactory(invitation=invitation, status="failed")
    if delivered:
        DeliveryFactory(invitation=invitation, status="delivered")
    if sent_document:
        DocumentFactory(client=client, uploaded_by=invitation.user)
    return invitation


@pytest.fixture
def firm_history(firm, accountant):
    colleague = AccountantFactory(firm_membership__firm=firm, full_name="Bo Kollega")
    client_company = ClientCompanyFactory(firm=firm)
    invite(by=accountant, client=client_company)
    invite(by=accountant, client=client_company, delivered=True)
    invite(by=accountant, client=client_company, delivered=True, accepted=True)
    invite(by=accountant, client=client_company, delivered=True, accepted=True, sent_document=True)
    invite(by=colleague, client=client_company, delivered=True, accepted=True, sent_document=True)
    # Another firm's success must not count here.
    other_client = ClientCompanyFactory()
    invite(
        by=AccountantFactory(firm_membership__firm=other_client.firm),
        client=other_client,
        delivered=True,
        accepted=True,
        sent_document=True,
    )
    return colleague


def test_counts_people_overall_and_per_accountant(firm, accountant, firm_history):
    overall, per_accountant = firm_adoption(firm=firm)

    assert [s.count for s in overall.steps] == [5, 4, 3, 2]
    assert [s.percent for s in overall.steps] == [100, 80, 60, 40]
    assert [
        (a.name, a.invited, a.delivered, a.accepted, a.first_document) for a in per_accountant
    ] == [
        (accountant.full_name, 4, 3, 2, 1),
        ("Bo Kollega", 1, 1, 1, 1),
    ]


def test_a_document_sent_by_someone_else_does_not_count_as_this_users_first(firm, accountant):
    client_company = ClientCompanyFactory(firm=firm)
    invite(by=accountant, client=client_company, delivered=True, accepted=True)
    DocumentFactory(client=client_company, uploaded_by=UserFactory())

    overall, _ = firm_adoption(firm=firm)

    assert overall.first_document == 0


def test_the_page_shows_the_numbers_and_bars_at_a_fixed_query_count(
    accountant_client, firm, firm_history, django_assert_num_queries
):
    # session, user, firm membership, overall, per accountant
    with django_assert_num_queries(5):
        response = accountant_client.get(reverse("invitations:adoption"))

    page = response.content.decode()
    values = re.findall(r'data-step="(\w+)"><strong>(\d+)</strong>', page)
    assert values == [
        ("invited", "5"),
        ("delivered", "4"),
        ("accepted", "3"),
        ("first_document", "2"),
    ]
    assert 'style="width: 40%"' in page
    assert "Bo Kollega" in page


def test_the_page_of_a_firm_without_invitations_says_so(accountant_client):
    page = accountant_client.get(reverse("invitations:adoption")).content.decode()

    assert "Byrån har inte bjudit in några klientanvändare ännu." in page
