from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from bureau.models import Firm, FirmRole
from bureau.organisation_numbers import validate_org_number
from clients.models import ClientCompany, ClientMembership, ClientRight
from clients.selectors import clients_awaiting_users


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot():
    return (
        list(Firm.objects.values_list("id", "name", "org_number")),
        list(User.objects.order_by("id").values_list("id", "username", "password")),
        list(ClientCompany.objects.order_by("id").values_list()),
        list(ClientRight.objects.order_by("id").values_list()),
        list(ClientMembership.objects.order_by("id").values_list("id", "client_id", "user_id")),
    )


@pytest.mark.django_db
def test_seeds_the_demo_firm_as_described(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    output = seed("--password", "demo-pass-123")

    firm = Firm.objects.get()
    assert firm.name == "Demobyrån Redovisning AB"
    demo = User.objects.get(username="demo")
    demo2 = User.objects.get(username="demo2")
    assert demo.check_password("demo-pass-123") and demo2.check_password("demo-pass-123")
    assert demo.firm_membership.firm == firm and demo.firm_membership.role == FirmRole.ADMIN
    assert demo2.firm_membership.role == FirmRole.MEMBER
    clients = ClientCompany.objects.filter(firm=firm)
    assert clients.count() == 200
    for org_number in clients.values_list("org_number", flat=True):
        validate_org_number(org_number)

    # The README's rule, by the clients' places in the list (customer numbers K1001…K1200):
    # demo is system administrator on all but every 7th, demo2 on every 4th.
    def places(accountant):
        rights = ClientRight.objects.filter(accountant=accountant, is_system_admin=True)
        return {
            int(n.removeprefix("K")) - 1000
            for n in rights.values_list("client__customer_number", flat=True)
        }

    every_place = set(range(1, 201))
    assert places(demo) == {p for p in every_place if p % 7 != 0}
    assert len(places(demo)) == 172
    assert places(demo2) == {p for p in every_place if p % 4 == 1}
    assert len(places(demo2)) == 50
    assert ClientRight.objects.filter(is_system_admin=False).count() == 0
    assert ClientMembership.objects.values("client").distinct().count() == 30
    awaiting = list(clients_awaiting_users(accountant=demo, firm=firm, search=None))
    assert len(awaiting) == 170
    assert {row.accountant_is_system_admin for row in awaiting} == {True, False}
    assert "Logga in på http://127.0.0.1:8000/ som demo med lösenordet demo-pass-123" in output


@pytest.mark.django_db
def test_running_twice_changes_nothing():
    seed("--password", "demo-pass-123")
    before = snapshot()

    output = seed("--password", "demo-pass-123")

    assert snapshot() == before
    assert "0 nya klienter, 0 nya behörigheter, 0 nya klientanvändare" in output


@pytest.mark.django_db
def test_without_password_a_new_one_is_generated_set_and_printed():
    seed("--password", "demo-pass-123")

    output = seed()

    password = output.split("med lösenordet ")[1].split()[0]
    assert password != "demo-pass-123"
    assert User.objects.get(username="demo").check_password(password)
    assert User.objects.get(username="demo.klient1").check_password(password)
    assert ClientCompany.objects.count() == 200
