"""The client card, and sorting "Hantera klienter" (issue 9)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from invitations.models import InvitationStatus
from tests.accounts.factories import UserFactory
from tests.bureau.factories import AccountantFactory
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
)
from tests.documents.factories import DocumentFactory
from tests.invitations.factories import InvitationFactory

LIST = reverse("clients:list")


def card(client_company):
    return reverse("clients:detail", args=[client_company.pk])


@pytest.fixture
def client_company(firm, accountant):
    company = ClientCompanyFactory(firm=firm, name="Fisk & Skaldjur AB", customer_number="K77")
    ClientRightFactory(accountant=accountant, client=company, is_system_admin=True)
    return company


def member(company, **kwargs):
    user = UserFactory(**kwargs)
    ClientMembershipFactory(client=company, user=user)
    return user


def test_the_list_links_each_client_to_its_card(accountant_client, client_company):
    page = accountant_client.get(LIST).content.decode()

    assert f'href="{card(client_company)}"' in page


def test_the_card_shows_users_invitation_status_admins_underlag_and_actions(
    accountant_client, accountant, firm, client_company
):
    colleague = AccountantFactory(firm_membership__firm=firm, full_name="Karin Kollega")
    ClientRightFactory(accountant=colleague, client=client_company, is_system_admin=True)
    reader = AccountantFactory(firm_membership__firm=firm, full_name="Lasse Läsare")
    ClientRightFactory(accountant=reader, client=client_company, is_system_admin=False)
    waiting = member(client_company, full_name="Vera Väntar", password=None, is_active=False)
    pending = InvitationFactory(user=waiting, client=client_company)
    lapsed_user = member(client_company, full_name="Ulf Utgången", password=None)
    lapsed = InvitationFactory(
        user=lapsed_user, client=client_company, expires_at=timezone.now() - timedelta(days=1)
    )
    joined = member(client_company, full_name="Anna Aktiv")
    InvitationFactory(user=joined, client=client_company, status=InvitationStatus.ACCEPTED)
    member(client_company, full_name="Inga Inbjudan", password=None)
    DocumentFactory(client=client_company, uploaded_by=joined, original_name="kvitto-1.pdf")
    DocumentFactory(client=client_company, uploaded_by=joined, original_name="kvitto-2.pdf")
    DocumentFactory(original_name="annan-klients.pdf")

    response = accountant_client.get(card(client_company))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Fisk &amp; Skaldjur AB" in page and client_company.org_number in page
    assert "kundnummer K77" in page
    users = dict(re.findall(r'data-user="(\d+)">(.*?)</tr>', page, flags=re.S))
    assert "Väntar på svar" in users[str(waiting.pk)]
    assert "Utgången" in users[str(lapsed_user.pk)]
    assert "Accepterad" in users[str(joined.pk)]
    assert "Inte inbjuden" in page
    # Actions on the open invitations: resend and correct, not on the accepted one.
    for invitation in (pending, lapsed):
        assert reverse("invitations:correct", args=[invitation.pk]) in page
    assert users[str(joined.pk)].count("Skicka igen") == 0
    assert reverse("invitations:wizard") in page
    admins = re.search(r'data-testid="system-administrators">(.*?)</ul>', page, flags=re.S)[1]
    assert accountant.get_full_name() in admins and "Karin Kollega" in admins
    assert "Lasse Läsare" not in admins
    assert "kvitto-1.pdf" in page and "kvitto-2.pdf" in page
    assert "annan-klients.pdf" not in page
    assert "2 väntar på hantering." in page
    assert f"{reverse('documents:firm_list')}?client={client_company.pk}" in page


def test_the_card_costs_the_same_for_few_and_many_users(
    accountant_client, client_company, django_assert_num_queries
):
    def add_users(n):
        for _ in range(n):
            user = member(client_company, password=None)
            InvitationFactory(user=user, client=client_company)

    add_users(2)
    accountant_client.get(card(client_company))  # the first view makes the e-mail address
    with django_assert_num_queries(10) as few:
        accountant_client.get(card(client_company))
    add_users(20)
    with django_assert_num_queries(len(few.captured_queries)):
        accountant_client.get(card(client_company))


def test_without_the_right_the_card_offers_no_actions(accountant_client, accountant, firm):
    company = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=accountant, client=company, is_system_admin=False)
    user = member(company, password=None)
    invitation = InvitationFactory(user=user, client=company)

    page = accountant_client.get(card(company)).content.decode()

    assert reverse("invitations:correct", args=[invitation.pk]) not in page
    assert "Du är inte systemadministratör på klienten" in page


def test_another_firms_client_is_not_found(accountant_client):
    assert accountant_client.get(card(ClientCompanyFactory())).status_code == 404


def test_a_client_user_gets_the_portals_403(client, client_company):
    user = member(client_company)
    client.force_login(user)

    response = client.get(card(client_company))

    assert response.status_code == 403
    assert "Du har inte tillgång till sidan" in response.content.decode()


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("namn", ["Alfa AB", "Beta AB", "Gamma AB"]),
        ("-namn", ["Gamma AB", "Beta AB", "Alfa AB"]),
        ("orgnr", ["Beta AB", "Gamma AB", "Alfa AB"]),
        ("-orgnr", ["Alfa AB", "Gamma AB", "Beta AB"]),
        ("anvandare", ["Gamma AB", "Alfa AB", "Beta AB"]),
        ("-anvandare", ["Beta AB", "Alfa AB", "Gamma AB"]),
        ("nonsense", ["Alfa AB", "Beta AB", "Gamma AB"]),
    ],
)
def test_the_list_sorts_by_name_org_number_and_users(accountant_client, firm, ordering, expected):
    alfa = ClientCompanyFactory(firm=firm, name="Alfa AB", org_number="556677-8899")
    beta = ClientCompanyFactory(firm=firm, name="Beta AB", org_number="212000-0142")
    ClientCompanyFactory(firm=firm, name="Gamma AB", org_number="502000-0008")
    ClientMembershipFactory(client=alfa)
    ClientMembershipFactory.create_batch(3, client=beta)

    response = accountant_client.get(LIST, {"ordning": ordering})

    assert [row.name for row in response.context["page"].object_list] == expected


def test_the_current_sort_is_marked_and_its_heading_turns_it_around(accountant_client, firm):
    ClientCompanyFactory(firm=firm)

    page = accountant_client.get(LIST, {"ordning": "anvandare", "q": "Klient"}).content.decode()

    assert 'aria-sort="ascending"' in page
    assert "q=Klientbolaget" not in page  # the search is kept as typed
    assert "q=Klient&amp;ordning=-anvandare" in page
    assert "q=Klient&amp;ordning=namn" in page
    assert 'name="ordning" value="anvandare"' in page


def test_without_any_right_the_cards_people_are_not_shown(accountant_client, firm):
    company = ClientCompanyFactory(firm=firm)
    member(company, full_name="Hemlig Person", email="hemlig@example.test")

    page = accountant_client.get(card(company)).content.decode()

    assert "Hemlig Person" not in page and "hemlig@example.test" not in page
    assert "Klienten har 1 användare. Du har ingen behörighet på klienten" in page


def test_a_firm_administrator_sees_the_people_of_every_client(client, firm):
    from bureau.models import FirmRole

    administrator = AccountantFactory(
        firm_membership__firm=firm, firm_membership__role=FirmRole.ADMIN
    )
    company = ClientCompanyFactory(firm=firm)
    member(company, full_name="Synlig Person")
    client.force_login(administrator)

    assert "Synlig Person" in client.get(card(company)).content.decode()
