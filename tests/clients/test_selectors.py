import pytest

from clients.models import ClientMembership
from clients.selectors import (
    accountant_has_right,
    accountant_is_system_admin,
    client_overview,
    clients_administered_by,
    clients_awaiting_users,
)
from tests.bureau.factories import AccountantFactory
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
)


@pytest.mark.django_db
def test_clients_awaiting_users_excludes_clients_with_users_and_flags_system_admin(
    accountant, firm
):
    administered = ClientCompanyFactory(firm=firm, name="A AB")
    ClientRightFactory(accountant=accountant, client=administered, is_system_admin=True)
    not_administered = ClientCompanyFactory(firm=firm, name="B AB")
    ClientRightFactory(accountant=accountant, client=not_administered, is_system_admin=False)
    no_right = ClientCompanyFactory(firm=firm, name="C AB")
    ClientRightFactory(accountant=AccountantFactory(firm_membership__firm=firm), client=no_right)
    with_user = ClientCompanyFactory(firm=firm, name="D AB")
    ClientRightFactory(accountant=accountant, client=with_user)
    ClientMembershipFactory(client=with_user)
    ClientCompanyFactory(name="Annan byrås klient AB")

    rows = list(clients_awaiting_users(accountant=accountant, firm=firm, search=None))

    assert [(row.name, row.accountant_is_system_admin) for row in rows] == [
        ("A AB", True),
        ("B AB", False),
        ("C AB", False),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 50])
def test_clients_awaiting_users_is_one_query(accountant, firm, count, django_assert_num_queries):
    for index, client in enumerate(ClientCompanyFactory.create_batch(count, firm=firm)):
        ClientRightFactory(accountant=accountant, client=client, is_system_admin=index % 2 == 0)
        if index % 3 == 0:
            ClientMembershipFactory(client=client)

    with django_assert_num_queries(1):
        rows = list(clients_awaiting_users(accountant=accountant, firm=firm, search=""))

    assert len(rows) == count - len(range(0, count, 3))
    assert {row.accountant_is_system_admin for row in rows} == {True, False}


@pytest.mark.django_db
def test_clients_awaiting_users_searches(accountant, firm):
    ClientCompanyFactory(firm=firm, name="Alfa AB")
    ClientCompanyFactory(firm=firm, name="Beta AB")

    rows = clients_awaiting_users(accountant=accountant, firm=firm, search="bet")

    assert [row.name for row in rows] == ["Beta AB"]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 50])
def test_client_overview_is_one_query(accountant, firm, count, django_assert_num_queries):
    for client in ClientCompanyFactory.create_batch(count, firm=firm):
        ClientMembershipFactory.create_batch(2, client=client)

    with django_assert_num_queries(1):
        rows = list(client_overview(accountant=accountant, firm=firm))

    assert [row.own_user_count for row in rows] == [2] * count
    assert not any(row.accountant_is_system_admin for row in rows)


@pytest.mark.django_db
def test_the_rights_rule_answers_on_clients_and_on_rows_that_point_at_them(accountant, firm):
    """One rule for "system administrator on this client", in every shape the apps use."""
    administered = ClientCompanyFactory(firm=firm, name="A AB")
    ClientRightFactory(accountant=accountant, client=administered, is_system_admin=True)
    plain_right = ClientCompanyFactory(firm=firm, name="B AB")
    ClientRightFactory(accountant=accountant, client=plain_right, is_system_admin=False)
    colleagues = ClientCompanyFactory(firm=firm, name="C AB")
    ClientRightFactory(accountant=AccountantFactory(firm_membership__firm=firm), client=colleagues)
    for client in (administered, plain_right, colleagues):
        ClientMembershipFactory(client=client)

    assert list(clients_administered_by(accountant)) == [administered]
    on_clients = (
        type(administered)
        .objects.filter(firm=firm)
        .annotate(
            admin=accountant_is_system_admin(accountant), right=accountant_has_right(accountant)
        )
        .order_by("name")
    )
    assert [(c.name, c.admin, c.right) for c in on_clients] == [
        ("A AB", True, True),
        ("B AB", False, True),
        ("C AB", False, False),
    ]
    on_memberships = ClientMembership.objects.filter(
        accountant_is_system_admin(accountant, client="client")
    )
    assert [m.client for m in on_memberships] == [administered]
