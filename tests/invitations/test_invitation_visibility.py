"""Review finding 4: who sees a client's people on the invitation pages.

An accountant with no right on a client saw its users' e-mail and mobile on "Inbjudningar",
on the invitation page and on batch pages. Now invitations follow the rule of underlag: an
accountant sees those of clients they hold a right on, a firm administrator sees them all.
"""

import uuid

import pytest
from django.urls import reverse

from bureau.models import FirmRole
from invitations.models import BatchKind, InvitationBatch
from tests.bureau.factories import AccountantFactory
from tests.clients.factories import ClientCompanyFactory, ClientRightFactory
from tests.invitations.factories import DeliveryFactory, InvitationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitations(firm):
    """One batch with an invitation on a client the accountant has a right on, and one on
    a client they have none on."""
    batch = InvitationBatch.objects.create(
        firm=firm,
        created_by=AccountantFactory(firm_membership__firm=firm),
        kind=BatchKind.NEW_USERS,
        submission_key=uuid.uuid4(),
    )
    own = InvitationFactory(
        batch=batch,
        client=ClientCompanyFactory(firm=firm, name="Egen Klient AB"),
        user__full_name="Synlig Person",
        user__email="synlig@egen.test",
        user__mobile="+46701111111",
    )
    other = InvitationFactory(
        client=ClientCompanyFactory(firm=firm, name="Annans Klient AB"),
        batch=batch,
        user__full_name="Dold Person",
        user__email="dold@annan.test",
        user__mobile="+46702222222",
    )
    for invitation in (own, other):
        DeliveryFactory(invitation=invitation, recipient=invitation.user.email)
        DeliveryFactory(invitation=invitation, channel="sms", recipient=str(invitation.user.mobile))
    return own, other


def pages(client, own, other) -> dict[str, str]:
    batch_url = reverse("invitations:batch_result", args=[own.batch_id])
    return {
        "overview": client.get(reverse("invitations:overview")).content.decode(),
        "own page": client.get(reverse("invitations:detail", args=[own.pk])).content.decode(),
        "batch": client.get(batch_url).content.decode(),
    }


def test_an_accountant_sees_only_the_people_of_clients_they_have_a_right_on(
    client, firm, invitations
):
    own, other = invitations
    accountant = AccountantFactory(firm_membership__firm=firm)
    ClientRightFactory(accountant=accountant, client=own.client, is_system_admin=False)
    client.force_login(accountant)

    seen = pages(client, own, other)
    other_page = client.get(reverse("invitations:detail", args=[other.pk]))

    for name, html in seen.items():
        assert "Synlig Person" in html, name
        for secret in ("Dold Person", "dold@annan.test", "+46702222222", "Annans Klient AB"):
            assert secret not in html, (name, secret)
    assert "synlig@egen.test" in seen["own page"] and "+46701111111" in seen["own page"]
    assert other_page.status_code == 404
    assert "dold@annan.test" not in other_page.content.decode()


def test_the_counts_count_only_what_the_accountant_may_see(client, firm, invitations):
    own, _ = invitations
    accountant = AccountantFactory(firm_membership__firm=firm)
    ClientRightFactory(accountant=accountant, client=own.client)
    client.force_login(accountant)

    response = client.get(reverse("invitations:overview"))

    assert response.context["invitation_count"] == 1
    assert dict((key, count) for key, _, count in response.context["status_counts"])["sent"] == 0
    assert sum(count for _, _, count in response.context["status_counts"]) == 2


def test_an_accountant_without_any_right_sees_no_one(client, firm, invitations):
    own, other = invitations
    client.force_login(AccountantFactory(firm_membership__firm=firm))

    for html in pages(client, own, other).values():
        for secret in ("Synlig Person", "synlig@egen.test", "Dold Person", "dold@annan.test"):
            assert secret not in html


def test_a_firm_administrator_sees_everyone(client, firm, invitations):
    own, other = invitations
    client.force_login(
        AccountantFactory(firm_membership__firm=firm, firm_membership__role=FirmRole.ADMIN)
    )

    seen = pages(client, own, other)
    other_page = client.get(reverse("invitations:detail", args=[other.pk])).content.decode()

    assert "Synlig Person" in seen["overview"] and "Dold Person" in seen["overview"]
    assert "dold@annan.test" in other_page and "+46702222222" in other_page
    assert "Synlig Person" in seen["batch"] and "Dold Person" in seen["batch"]


def test_a_firm_administrator_of_another_firm_sees_nothing(client, invitations):
    own, other = invitations
    client.force_login(AccountantFactory(firm_membership__role=FirmRole.ADMIN))

    assert "Synlig Person" not in client.get(reverse("invitations:overview")).content.decode()
    assert client.get(reverse("invitations:detail", args=[own.pk])).status_code == 404
