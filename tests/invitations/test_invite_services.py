"""The wizard's services, called directly: what they write, refuse and queue."""

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import User
from clients.models import ClientMembership
from invitations import secrets
from invitations.models import (
    Delivery,
    Invitation,
    InvitationBatch,
    InvitationEvent,
    InvitationStatus,
)
from invitations.services import (
    BATCH,
    NewUserRow,
    RowsRefused,
    invite_existing_users,
    invite_new_users,
)
from tests.accounts.factories import UserFactory
from tests.bureau.factories import AccountantFactory
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
    administered_client,
)
from tests.invitations.factories import InvitationFactory


def row(client, n, **kwargs):
    values = {
        "client_id": client.pk,
        "full_name": f"Person {n}",
        "email": f"person{n}@klient.test",
        "username": f"person.{n}",
        "mobile": "",
    }
    return NewUserRow(**{**values, **kwargs})


def test_new_users_are_created_with_membership_invitation_deliveries_and_event(
    accountant, firm, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.SMS_OUTBOX_DIR = str(tmp_path)
    first = administered_client(accountant, firm)
    second = administered_client(accountant, firm)
    key = uuid.uuid4()

    with django_capture_on_commit_callbacks() as callbacks:
        batch = invite_new_users(
            accountant=accountant,
            firm=firm,
            rows=[
                row(first, 1, full_name="Åsa Öberg", mobile="+46701234567"),
                row(second, 2),
            ],
            submission_key=key,
        )

    assert batch.submission_key == key and batch.kind == "new_users"
    assert batch.created_by == accountant and batch.firm == firm
    asa = User.objects.get(username="person.1")
    assert asa.full_name == "Åsa Öberg"
    assert str(asa.mobile) == "+46701234567"
    assert not asa.has_usable_password()
    assert not asa.is_active  # the acceptance activates the account
    assert ClientMembership.objects.filter(user=asa, client=first).exists()
    invitation = Invitation.objects.get(user=asa)
    assert invitation.batch == batch
    assert invitation.client == first
    assert invitation.invited_by == accountant
    assert invitation.status == InvitationStatus.PENDING
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    assert secrets.secrets_match(
        secrets.secret_for(invitation.secret_nonce), invitation.secret_hash
    )
    assert sorted(invitation.deliveries.values_list("channel", "recipient")) == [
        ("email", "person1@klient.test"),
        ("sms", "+46701234567"),
    ]
    second_invitation = Invitation.objects.get(user__username="person.2")
    assert list(second_invitation.deliveries.values_list("channel", flat=True)) == ["email"]
    events = InvitationEvent.objects.filter(invitation__batch=batch)
    assert {(e.kind, e.actor_id) for e in events} == {("created", accountant.pk)}
    assert events.count() == 2
    # Nothing is sent before the commit; then one task for the whole batch sends them all.
    assert len(callbacks) == 1
    assert set(Delivery.objects.values_list("status", flat=True)) == {"pending"}
    callbacks[0]()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "person1@klient.test",
        "person2@klient.test",
    ]
    assert len(list(tmp_path.glob("*.json"))) == 1  # the SMS, in the local outbox
    assert "pending" not in set(Delivery.objects.values_list("status", flat=True))


def test_the_same_submission_key_twice_returns_the_first_batch_and_creates_nothing_more(
    accountant, firm, django_capture_on_commit_callbacks
):
    client = administered_client(accountant, firm)
    key = uuid.uuid4()
    first = invite_new_users(
        accountant=accountant, firm=firm, rows=[row(client, 1)], submission_key=key
    )
    with django_capture_on_commit_callbacks() as callbacks:
        again = invite_new_users(
            accountant=accountant, firm=firm, rows=[row(client, 1)], submission_key=key
        )
    assert again == first
    assert callbacks == []
    assert User.objects.filter(username="person.1").count() == 1
    assert InvitationBatch.objects.count() == 1


def test_rows_breaking_rules_are_refused_per_row_and_nothing_is_written(accountant, firm):
    fine = administered_client(accountant, firm)
    not_admin = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=accountant, client=not_admin, is_system_admin=False)
    other_firm = ClientCompanyFactory()
    has_users = administered_client(accountant, firm)
    ClientMembershipFactory(client=has_users)
    taken = UserFactory(username="taken.name", email="taken@klient.test")

    with pytest.raises(RowsRefused) as refused:
        invite_new_users(
            accountant=accountant,
            firm=firm,
            rows=[
                row(fine, 1, email="TAKEN@klient.test", username="Taken.Name"),
                row(not_admin, 2),
                row(other_firm, 3),
                row(has_users, 4),
            ],
            submission_key=uuid.uuid4(),
        )

    errors = refused.value.row_errors
    assert "e-postadressen" in errors[fine.pk]["email"][0]
    assert "Bjud in befintliga användare" in errors[fine.pk]["email"][0]
    assert "upptaget" in errors[fine.pk]["username"][0]
    assert errors[not_admin.pk]["client"] == ["Du måste vara systemadministratör på klienten"]
    assert errors[other_firm.pk]["client"] == ["Klienten finns inte hos byrån."]
    assert "fått användare" in errors[has_users.pk]["client"][0]
    assert (
        User.objects.exclude(pk__in=[accountant.pk, taken.pk])
        .filter(client_memberships__client=fine)
        .count()
        == 0
    )
    assert not InvitationBatch.objects.exists()
    assert not Invitation.objects.exists()


def test_an_address_or_username_taken_since_the_review_is_named_and_nothing_is_written(
    accountant, firm
):
    """The only error of the batch: the users' unique indexes refuse it, and the service
    names the rows (e-mail and username, in any case) and leaves nothing behind."""
    first, second = administered_client(accountant, firm), administered_client(accountant, firm)
    UserFactory(username="taken.name", email="taken@klient.test")

    with pytest.raises(RowsRefused) as refused:
        invite_new_users(
            accountant=accountant,
            firm=firm,
            rows=[row(first, 1, email="Taken@Klient.test"), row(second, 2, username="TAKEN.name")],
            submission_key=uuid.uuid4(),
        )

    errors = refused.value.row_errors
    assert "e-postadressen" in errors[first.pk]["email"][0]
    assert "upptaget" in errors[second.pk]["username"][0]
    assert set(errors) == {first.pk, second.pk}
    assert not InvitationBatch.objects.exists()
    assert not Invitation.objects.exists()
    assert User.objects.count() == 2  # the accountant and the one who had the address


def test_duplicates_within_the_batch_are_refused(accountant, firm):
    a, b = administered_client(accountant, firm), administered_client(accountant, firm)
    with pytest.raises(RowsRefused) as refused:
        invite_new_users(
            accountant=accountant,
            firm=firm,
            rows=[
                row(a, 1, email="same@klient.test", username="same"),
                row(b, 2, email="Same@Klient.test", username="SAME"),
            ],
            submission_key=uuid.uuid4(),
        )
    errors = refused.value.row_errors
    assert "annan rad" in errors[b.pk]["email"][0]
    assert "annan rad" in errors[b.pk]["username"][0]


def test_more_than_fifty_rows_are_refused_as_a_whole(accountant, firm):
    client = administered_client(accountant, firm)
    rows = [row(client, n) for n in range(51)]
    with pytest.raises(RowsRefused) as refused:
        invite_new_users(accountant=accountant, firm=firm, rows=rows, submission_key=uuid.uuid4())
    assert "Högst 50" in refused.value.row_errors[BATCH]["rows"][0]
    assert not User.objects.filter(username__startswith="person").exists()


@pytest.mark.parametrize("count", [1, 20])
def test_the_submit_costs_the_same_queries_for_one_row_and_for_twenty(
    accountant, firm, count, django_assert_num_queries
):
    rows = [
        row(administered_client(accountant, firm), n, mobile="+46701234567") for n in range(count)
    ]
    # savepoint, batch (no look-up of the key first), client lock, client state, users (their
    # unique indexes refuse a taken e-mail or username), memberships, invitations,
    # deliveries, events, release savepoint
    with django_assert_num_queries(10):
        invite_new_users(accountant=accountant, firm=firm, rows=rows, submission_key=uuid.uuid4())


# --- Existing users ------------------------------------------------------------------------


def test_existing_users_who_never_accepted_are_invited_and_lapsed_invitations_renewed(
    accountant, firm, django_capture_on_commit_callbacks
):
    client = administered_client(accountant, firm, name="A-bolaget")
    never = ClientMembershipFactory(
        user__password=None, client=client, user__full_name="Aldrig Inbjuden"
    ).user
    expired_user = ClientMembershipFactory(user__password=None, client=client).user
    expired = InvitationFactory(
        user=expired_user,
        client=client,
        expires_at=timezone.now() - timedelta(days=1),
    )
    old_hash = expired.secret_hash
    revoked_user = ClientMembershipFactory(user__password=None, client=client).user
    revoked = InvitationFactory(user=revoked_user, client=client, status="revoked")

    with django_capture_on_commit_callbacks() as callbacks:
        batch = invite_existing_users(
            accountant=accountant,
            firm=firm,
            user_ids=[never.pk, expired_user.pk, revoked_user.pk],
            submission_key=uuid.uuid4(),
        )

    assert batch.kind == "existing_users"
    invitations = {i.user_id: i for i in batch.invitations.all()}
    assert set(invitations) == {never.pk, expired_user.pk, revoked_user.pk}
    for invitation in invitations.values():
        assert invitation.status == "pending"
        assert invitation.expires_at > timezone.now() + timedelta(days=13)
        assert invitation.invited_by == accountant
        assert invitation.client == client
    renewed = invitations[expired_user.pk]
    assert renewed.pk == expired.pk and renewed.secret_hash != old_hash
    assert renewed.events.get().kind == "resent"
    revoked.refresh_from_db()
    assert revoked.status == "revoked"  # kept as it was, for the record
    assert invitations[revoked_user.pk].pk != revoked.pk
    assert invitations[never.pk].events.get().kind == "created"
    assert Delivery.objects.filter(invitation__batch=batch).count() == 3
    assert len(callbacks) == 1


def test_a_lapsed_invitation_of_another_firm_stays_that_firms_own(accountant, firm):
    # The same person is a client user at a client of this firm and at one of another.
    elsewhere = InvitationFactory(expires_at=timezone.now() - timedelta(days=1))
    elsewhere.events.create(kind="created", actor=elsewhere.invited_by)
    ClientMembershipFactory(client=elsewhere.client, user=elsewhere.user)
    client = administered_client(accountant, firm)
    ClientMembershipFactory(client=client, user=elsewhere.user)

    batch = invite_existing_users(
        accountant=accountant,
        firm=firm,
        user_ids=[elsewhere.user.pk],
        submission_key=uuid.uuid4(),
    )

    ours = batch.invitations.get()
    assert ours.pk != elsewhere.pk
    assert (ours.client, ours.status) == (client, "pending")
    assert list(ours.events.values_list("kind", flat=True)) == ["created"]
    elsewhere.refresh_from_db()
    assert elsewhere.client.firm != firm
    assert elsewhere.status == "revoked"
    assert list(elsewhere.events.values_list("kind", flat=True)) == ["created", "revoked"]


def test_existing_users_who_cannot_be_invited_are_refused_and_nothing_is_written(accountant, firm):
    client = administered_client(accountant, firm)
    pending = InvitationFactory(client=client).user
    ClientMembershipFactory(client=client, user=pending)
    accepted = InvitationFactory(client=client, status="accepted").user
    ClientMembershipFactory(client=client, user=accepted)
    not_admin_client = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=accountant, client=not_admin_client, is_system_admin=False)
    not_admin = ClientMembershipFactory(user__password=None, client=not_admin_client).user
    other_firm = ClientMembershipFactory(user__password=None).user
    fine = ClientMembershipFactory(user__password=None, client=client).user
    has_password = ClientMembershipFactory(client=client).user  # can log in already
    other_accountant = AccountantFactory(firm_membership__firm=firm)

    with pytest.raises(RowsRefused) as refused:
        invite_existing_users(
            accountant=accountant,
            firm=firm,
            user_ids=[
                fine.pk,
                pending.pk,
                accepted.pk,
                not_admin.pk,
                other_firm.pk,
                other_accountant.pk,
                has_password.pk,
            ],
            submission_key=uuid.uuid4(),
        )
    assert set(refused.value.row_errors) == {
        has_password.pk,
        pending.pk,
        accepted.pk,
        not_admin.pk,
        other_firm.pk,
        other_accountant.pk,
    }
    assert not Invitation.objects.filter(user=fine).exists()
    assert not InvitationBatch.objects.exists()
