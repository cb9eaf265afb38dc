"""'Hantera klienter': what an accountant sees, and what nobody else may see."""

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.bureau.factories import AccountantFactory
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
)

LIST = reverse("clients:list")


def rows_of(response) -> list:
    return list(response.context["page"].object_list)


@pytest.mark.django_db
def test_lists_the_firms_clients_with_user_counts_and_system_admin_flag(
    accountant_client, accountant, firm
):
    administered = ClientCompanyFactory(firm=firm, name="Alfa Bygg AB", customer_number="K1")
    ClientRightFactory(accountant=accountant, client=administered, is_system_admin=True)
    ClientMembershipFactory.create_batch(2, client=administered)
    other = ClientCompanyFactory(firm=firm, name="Beta Måleri AB")
    ClientRightFactory(accountant=accountant, client=other, is_system_admin=False)

    response = accountant_client.get(LIST)

    assert response.status_code == 200
    rows = {row.name: row for row in rows_of(response)}
    assert rows["Alfa Bygg AB"].own_user_count == 2
    assert rows["Alfa Bygg AB"].accountant_is_system_admin is True
    assert rows["Beta Måleri AB"].own_user_count == 0
    assert rows["Beta Måleri AB"].accountant_is_system_admin is False
    page = response.content.decode()
    assert "Hantera klienter" in page
    assert "Systemadministratör" in page
    assert administered.org_number in page
    assert 'href="/inbjudningar/bjud-in/"' in page
    assert reverse("clients:create") in page
    assert "Bjud in klientanvändare" in page and "Skapa ny klient" in page


@pytest.mark.django_db
def test_another_accountants_right_does_not_count(accountant_client, firm):
    client = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=AccountantFactory(firm_membership__firm=firm), client=client)

    [row] = rows_of(accountant_client.get(LIST))

    assert row.accountant_is_system_admin is False


@pytest.mark.django_db
def test_search_by_name_and_by_org_number_with_or_without_hyphen(accountant_client, firm):
    alfa = ClientCompanyFactory(firm=firm, name="Alfa Bygg AB")
    ClientCompanyFactory(firm=firm, name="Beta Måleri AB")

    by_name = rows_of(accountant_client.get(LIST, {"q": "alfa"}))
    by_number = rows_of(accountant_client.get(LIST, {"q": alfa.org_number}))
    by_digits = rows_of(accountant_client.get(LIST, {"q": alfa.org_number.replace("-", "")}))

    assert [c.name for c in by_name] == ["Alfa Bygg AB"]
    assert [c.name for c in by_number] == ["Alfa Bygg AB"]
    assert [c.name for c in by_digits] == ["Alfa Bygg AB"]
    assert rows_of(accountant_client.get(LIST, {"q": "Gamma"})) == []


@pytest.mark.django_db
def test_paginates_fifty_a_page_keeping_the_search(accountant_client, firm):
    ClientCompanyFactory.create_batch(55, firm=firm)

    first = accountant_client.get(LIST)
    second = accountant_client.get(LIST, {"sida": 2})
    searched = accountant_client.get(LIST, {"q": "Klientbolaget"})

    assert len(rows_of(first)) == 50
    assert len(rows_of(second)) == 5
    assert "Sida 1 av 2" in first.content.decode()
    assert "q=Klientbolaget&amp;sida=2" in searched.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 50])
def test_query_count_does_not_grow_with_clients(
    accountant_client, accountant, firm, count, django_assert_num_queries
):
    for client in ClientCompanyFactory.create_batch(count, firm=firm):
        ClientRightFactory(accountant=accountant, client=client)
        ClientMembershipFactory(client=client)

    # session, user, firm membership, paginator count, the page of clients
    with django_assert_num_queries(5):
        response = accountant_client.get(LIST)

    assert len(rows_of(response)) == count


@pytest.mark.django_db
def test_never_shows_another_firms_clients(accountant_client, firm):
    ClientCompanyFactory(firm=firm, name="Vår Klient AB")
    foreign = ClientCompanyFactory(name="Annan Byrås Klient AB")

    for query in ({}, {"q": "Annan"}, {"q": foreign.org_number}, {"q": foreign.customer_number}):
        response = accountant_client.get(LIST, query)
        assert "Annan Byrås Klient AB" not in response.content.decode()
        assert foreign not in rows_of(response)


@pytest.mark.django_db
@pytest.mark.parametrize("url", [LIST, reverse("clients:create")])
def test_client_users_and_users_without_a_firm_get_403(client, url):
    client_user = UserFactory()
    ClientMembershipFactory(user=client_user)
    client.force_login(client_user)

    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "X", "org_number": "556677-8899"}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("url", [LIST, reverse("clients:create")])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"
