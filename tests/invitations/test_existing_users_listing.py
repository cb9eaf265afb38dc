"""Who the "Bjud in befintliga användare" step lists: client users who never accepted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from invitations.selectors import client_users_awaiting_invitation
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
)
from tests.invitations.factories import InvitationFactory

pytestmark = pytest.mark.django_db


def member(client, name, **user):
    return ClientMembershipFactory(
        client=client, user__full_name=name, **{"user__password": None, **user}
    ).user


def test_never_invited_expired_and_revoked_are_listed_the_rest_not(accountant, firm):
    administered = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=accountant, client=administered, is_system_admin=True)
    not_admin = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=accountant, client=not_admin, is_system_admin=False)
    no_right = ClientCompanyFactory(firm=firm)
    other_firm = ClientCompanyFactory()
    ClientRightFactory(accountant=accountant, client=other_firm, is_system_admin=True)

    never = member(administered, "Aldrig Inbjuden")
    expired = member(administered, "Utgången Länk")
    InvitationFactory(user=expired, client=administered, expires_at=timezone.now() - timedelta(1))
    revoked = member(administered, "Återkallad Länk")
    InvitationFactory(user=revoked, client=administered, status="revoked")
    pending = member(administered, "Väntar Svar")
    InvitationFactory(user=pending, client=administered)
    accepted = member(administered, "Har Accepterat")
    InvitationFactory(user=accepted, client=administered, status="accepted")
    member(administered, "Har Lösenord", user__password="ett-eget-lösenord")
    member(not_admin, "Ej Systemadmin")
    member(no_right, "Utan Rätt")
    member(other_firm, "Annan Byrå")

    listed = client_users_awaiting_invitation(accountant=accountant, firm=firm)

    assert {user.full_name: user.last_invitation_status for user in listed} == {
        never.full_name: None,
        expired.full_name: "pending",
        revoked.full_name: "revoked",
    }
    assert {user.invite_client_id for user in listed} == {administered.pk}


def test_the_step_lists_a_revoked_user_and_hides_an_accepted_one(
    accountant_client, accountant, firm
):
    administered = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=accountant, client=administered, is_system_admin=True)
    revoked = member(administered, "Rut Återkallad")
    InvitationFactory(user=revoked, client=administered, status="revoked")
    accepted = member(administered, "Axel Accepterad")
    InvitationFactory(user=accepted, client=administered, status="accepted")

    step = accountant_client.post("/inbjudningar/bjud-in/", {"choice": "existing_users"}).url
    html = accountant_client.get(step).content.decode()

    assert "Rut Återkallad" in html
    assert "Axel Accepterad" not in html
