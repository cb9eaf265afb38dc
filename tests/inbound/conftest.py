import pytest

from inbound.services.addresses import address_for
from tests.accounts.factories import UserFactory
from tests.bureau.factories import AccountantFactory
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
)


@pytest.fixture
def client_company(firm):
    return ClientCompanyFactory(firm=firm, name="Bageriet i Byn AB")


@pytest.fixture
def client_user(client_company):
    user = UserFactory(full_name="Anna Svensson", email="anna@bageriet.example")
    ClientMembershipFactory(client=client_company, user=user)
    return user


@pytest.fixture
def address(client_company):
    return address_for(client=client_company)


@pytest.fixture
def accountant_with_right(accountant, client_company):
    ClientRightFactory(accountant=accountant, client=client_company, is_system_admin=False)
    return accountant


@pytest.fixture
def accountant_without_right(firm):
    return AccountantFactory(firm_membership__firm=firm)
