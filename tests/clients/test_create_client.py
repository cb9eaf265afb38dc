"""'Skapa ny klient': the form, its Swedish messages, and the firm's uniqueness rules."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from clients.models import ClientCompany, ClientRight
from clients.services import create_client
from tests.clients.factories import ClientCompanyFactory

CREATE = reverse("clients:create")


@pytest.mark.django_db
def test_creates_the_client_normalised_and_makes_the_creator_system_admin(
    accountant_client, accountant, firm
):
    response = accountant_client.post(
        CREATE, {"name": " Solrosen AB ", "org_number": "5566778899", "customer_number": "K-17"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("clients:list")
    client = ClientCompany.objects.get(firm=firm)
    assert (client.name, client.org_number, client.customer_number) == (
        "Solrosen AB",
        "556677-8899",
        "K-17",
    )
    assert ClientRight.objects.get(client=client, accountant=accountant).is_system_admin
    page = accountant_client.get(response["Location"]).content.decode()
    assert "Klienten Solrosen AB (556677-8899) är skapad." in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "org_number": "556677-8899"}, "name", "Ange klientföretagets namn."),
        ({"name": "A AB", "org_number": ""}, "org_number", "Ange organisationsnumret."),
        (
            {"name": "A AB", "org_number": "55667788"},
            "org_number",
            "Ange organisationsnumret som NNNNNN-NNNN (tio siffror).",
        ),
        (
            {"name": "A AB", "org_number": "556677-8898"},
            "org_number",
            "Organisationsnumret 556677-8898 har fel kontrollsiffra.",
        ),
    ],
)
def test_invalid_input_is_shown_next_to_its_field_and_nothing_is_created(
    accountant_client, data, field, message
):
    response = accountant_client.post(CREATE, data)

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not ClientCompany.objects.exists()


@pytest.mark.django_db
def test_org_number_and_customer_number_are_unique_within_the_firm(accountant_client, firm):
    ClientCompanyFactory(firm=firm, org_number="556677-8899", customer_number="K1")

    response = accountant_client.post(
        CREATE, {"name": "Kopia AB", "org_number": "556677 8899", "customer_number": "K1"}
    )

    errors = response.context["form"].errors
    assert errors["org_number"] == [
        "Byrån har redan en klient med organisationsnumret 556677-8899."
    ]
    assert errors["customer_number"] == ["Byrån har redan en klient med kundnumret K1."]
    assert ClientCompany.objects.filter(firm=firm).count() == 1


@pytest.mark.django_db
def test_another_firm_may_have_the_same_numbers(accountant_client, firm):
    ClientCompanyFactory(org_number="556677-8899", customer_number="K1")

    response = accountant_client.post(
        CREATE, {"name": "Egen AB", "org_number": "556677-8899", "customer_number": "K1"}
    )

    assert response.status_code == 302
    assert ClientCompany.objects.filter(org_number="556677-8899").count() == 2


@pytest.mark.django_db
def test_clients_without_customer_number_do_not_collide(accountant, firm):
    create_client(
        accountant=accountant, firm=firm, name="A", org_number="556677-8899", customer_number=""
    )
    create_client(
        accountant=accountant, firm=firm, name="B", org_number="5560000001", customer_number=""
    )

    assert ClientCompany.objects.filter(firm=firm, customer_number="").count() == 2


@pytest.mark.django_db
def test_service_rejects_a_bad_number_by_field(accountant, firm):
    with pytest.raises(ValidationError) as raised:
        create_client(accountant=accountant, firm=firm, name="A", org_number="123")

    assert list(raised.value.message_dict) == ["org_number"]


@pytest.mark.django_db
def test_the_database_enforces_uniqueness_per_firm(firm):
    ClientCompanyFactory(firm=firm, org_number="556677-8899", customer_number="K1")

    with pytest.raises(IntegrityError):
        ClientCompanyFactory(firm=firm, org_number="556677-8899")


@pytest.mark.django_db
def test_the_database_enforces_customer_number_uniqueness_per_firm(firm):
    ClientCompanyFactory(firm=firm, customer_number="K1")

    with pytest.raises(IntegrityError):
        ClientCompanyFactory(firm=firm, customer_number="K1")


@pytest.mark.django_db
def test_form_page_renders_in_swedish(accountant_client):
    page = accountant_client.get(CREATE).content.decode()

    assert "Skapa ny klient" in page
    assert "Organisationsnummer" in page and "Kundnummer" in page
