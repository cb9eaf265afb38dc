"""The admin of client companies, rights and memberships: change lists load without N+1."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from clients.models import ClientCompany
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
)

CHANGE_LISTS = [
    "admin:clients_clientcompany_changelist",
    "admin:clients_clientright_changelist",
    "admin:clients_clientmembership_changelist",
]


def make_rows(count):
    for client in ClientCompanyFactory.create_batch(count):
        ClientRightFactory(client=client)
        ClientMembershipFactory(client=client)


@pytest.mark.django_db
@pytest.mark.parametrize("name", CHANGE_LISTS)
def test_change_list_queries_do_not_grow_with_rows(superuser_client, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse(name)
    make_rows(2)
    with CaptureQueriesContext(connection) as few:
        assert superuser_client.get(url).status_code == 200
    make_rows(20)
    with CaptureQueriesContext(connection) as many:
        response = superuser_client.get(url)

    assert response.status_code == 200
    assert len(many) == len(few)


@pytest.mark.django_db
def test_change_list_searches_by_org_number_and_filters_by_firm(superuser_client):
    wanted = ClientCompanyFactory(name="Sökbar AB")
    ClientCompanyFactory(name="Annan AB")
    url = reverse("admin:clients_clientcompany_changelist")

    by_number = superuser_client.get(url, {"q": wanted.org_number})
    by_firm = superuser_client.get(url, {"firm__id__exact": wanted.firm_id})

    assert list(by_number.context["cl"].result_list) == [wanted]
    assert list(by_firm.context["cl"].result_list) == [wanted]


@pytest.mark.django_db
def test_change_page_with_inlines_loads(superuser_client):
    client = ClientCompanyFactory()
    ClientRightFactory(client=client)
    ClientMembershipFactory(client=client)

    response = superuser_client.get(reverse("admin:clients_clientcompany_change", args=[client.pk]))

    assert response.status_code == 200


@pytest.mark.django_db
def test_admin_stores_the_org_number_normalised(superuser_client):
    firm = ClientCompanyFactory().firm
    response = superuser_client.post(
        reverse("admin:clients_clientcompany_add"),
        {
            "firm": firm.pk,
            "name": "Adminbolaget AB",
            "org_number": "5566778899",
            "customer_number": "",
            "rights-TOTAL_FORMS": "0",
            "rights-INITIAL_FORMS": "0",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    assert ClientCompany.objects.get(name="Adminbolaget AB").org_number == "556677-8899"


@pytest.mark.django_db
def test_the_firm_filter_counts_each_firms_clients(superuser_client):
    """The number of clients per firm lives on the clients' side (bureau knows no clients)."""
    big = ClientCompanyFactory().firm
    ClientCompanyFactory.create_batch(2, firm=big)
    small = ClientCompanyFactory().firm

    response = superuser_client.get(reverse("admin:clients_clientcompany_changelist"))

    page = response.content.decode()
    assert f"{escape(big.name)} (3)" in page
    assert f"{escape(small.name)} (1)" in page
