from invitations import secrets


def test_invitation_factory_gives_a_pending_invitation_with_a_working_secret(db):
    from tests.invitations.factories import InvitationFactory

    invitation = InvitationFactory()
    assert invitation.status == "pending"
    assert secrets.secrets_match(invitation.secret, invitation.secret_hash)
    assert invitation.invited_by.firm_membership.firm == invitation.client.firm
