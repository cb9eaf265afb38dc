import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from bureau.models import Firm
from tests.bureau.factories import AccountantFactory, FirmFactory
from tests.clients.factories import ClientCompanyFactory


def make_firms(count):
    for firm in FirmFactory.create_batch(count):
        AccountantFactory.create_batch(2, firm_membership__firm=firm)
        ClientCompanyFactory.create_batch(3, firm=firm)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["admin:bureau_firm_changelist", "admin:bureau_firmmembership_changelist"]
)
def test_change_list_queries_do_not_grow_with_rows(superuser_client, name):
    url = reverse(name)
    make_firms(2)
    with CaptureQueriesContext(connection) as few:
        assert superuser_client.get(url).status_code == 200
    make_firms(10)
    with CaptureQueriesContext(connection) as many:
        response = superuser_client.get(url)

    assert response.status_code == 200
    assert len(many) == len(few)


@pytest.mark.django_db
def test_firm_list_counts_accountants(superuser_client):
    make_firms(1)

    response = superuser_client.get(reverse("admin:bureau_firm_changelist"))

    [firm] = response.context["cl"].result_list
    assert firm.accountant_count == 2


@pytest.mark.django_db
def test_firm_change_page_with_accountants_inline_loads(superuser_client):
    make_firms(1)
    firm = Firm.objects.get()

    response = superuser_client.get(reverse("admin:bureau_firm_change", args=[firm.pk]))

    assert response.status_code == 200
    assert escape(str(firm.memberships.first().user)) in response.content.decode()
