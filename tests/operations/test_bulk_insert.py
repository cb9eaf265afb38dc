"""``insert_all`` writes what ``bulk_create`` writes, in one statement (issue 11)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from clients.models import ClientMembership
from invitations.models import Delivery, InvitationEvent
from operations.bulk_insert import insert_all, insert_columns
from tests.accounts.factories import UserFactory
from tests.clients.factories import ClientCompanyFactory
from tests.invitations.factories import InvitationFactory

pytestmark = pytest.mark.django_db

LEFT_OUT = ["id", "created_at", "status_changed_at"]


def deliveries(invitations, **fields):
    return [
        Delivery(invitation=invitation, channel=channel, recipient=f"{channel}-{n}", **fields)
        for n, invitation in enumerate(invitations)
        for channel in ("email", "sms")
    ]


def stored(objects) -> list[dict]:
    model = type(objects[0])
    rows = model.objects.filter(pk__in=[obj.pk for obj in objects]).order_by("pk")
    return [model_to_dict(row, exclude=LEFT_OUT) for row in rows]


def test_the_rows_and_keys_are_those_bulk_create_gives_in_one_statement():
    invitations = InvitationFactory.create_batch(3)
    later = timezone.now() + timedelta(hours=1)
    by_django = Delivery.objects.bulk_create(deliveries(invitations, next_attempt_at=later))

    ours = deliveries(invitations, next_attempt_at=later)
    ours[1].error_params = {"status": 429}  # a JSON value that differs between rows
    with CaptureQueriesContext(connection) as queries:
        insert_all(ours)

    assert len(queries) == 1
    assert all(obj.pk and not obj._state.adding for obj in ours)
    assert [obj.pk for obj in ours] == sorted(obj.pk for obj in ours)  # in the given order
    expected = stored(by_django)
    expected[1]["error_params"] = {"status": 429}
    assert stored(ours) == expected
    # One timestamp for the set (auto_now_add).
    assert (
        len({row.created_at for row in Delivery.objects.filter(pk__in=[o.pk for o in ours])}) == 1
    )


def test_rows_that_share_every_value():
    invitation = InvitationFactory()

    insert_all([InvitationEvent(invitation=invitation, kind="created") for _ in range(3)])

    assert (
        list(InvitationEvent.objects.filter(invitation=invitation).values_list("kind"))
        == [("created",)] * 3
    )


def test_a_related_object_saved_after_it_was_given_gives_its_key():
    client = ClientCompanyFactory()
    user = User(username="sen")
    membership = ClientMembership(client=client, user=user)
    user.save()  # after the membership was made, as bulk_create allows

    insert_all([membership, ClientMembership(client=ClientCompanyFactory(), user=user)])

    assert ClientMembership.objects.filter(user=user).count() == 2


def test_a_row_that_breaks_a_constraint_raises_django_s_integrity_error():
    User.objects.create(username="tagen")
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_all([User(username="ledig"), User(username="TAGEN")])
    assert not User.objects.filter(username="ledig").exists()


def test_rows_given_column_by_column_are_those_bulk_create_gives():
    invitations = InvitationFactory.create_batch(3)
    actor = UserFactory()
    now = timezone.now()
    by_django = InvitationEvent.objects.bulk_create(
        InvitationEvent(invitation=invitation, kind="created", actor=actor, created_at=now)
        for invitation in invitations
    )

    with CaptureQueriesContext(connection) as queries:
        keys = insert_columns(
            InvitationEvent,
            invitation_id=[invitation.pk for invitation in invitations],
            kind="created",
            actor=actor.pk,  # a foreign key by its name or its attname, given its key
            created_at=now,
        )

    assert len(queries) == 1
    assert keys == sorted(keys) and len(keys) == 3
    ours = list(InvitationEvent.objects.filter(pk__in=keys).order_by("pk"))
    assert [model_to_dict(event, exclude=["id"]) for event in ours] == [
        model_to_dict(event, exclude=["id"]) for event in by_django
    ]
    assert [event.params for event in ours] == [{}, {}, {}]  # the field's default


def test_columns_left_out_get_their_default_and_one_timestamp():
    clients = ClientCompanyFactory.create_batch(2)
    user = UserFactory()

    keys = insert_columns(ClientMembership, client_id=[c.pk for c in clients], user_id=user.pk)

    stamps = set(ClientMembership.objects.filter(pk__in=keys).values_list("created_at", flat=True))
    assert len(stamps) == 1 and None not in stamps


def test_columns_of_different_lengths_or_none_are_refused():
    with pytest.raises(ValueError):
        insert_columns(InvitationEvent, invitation_id=[1, 2], kind=["created"])
    with pytest.raises(ValueError):
        insert_columns(InvitationEvent, invitation_id=1, kind="created")
    assert insert_columns(InvitationEvent, invitation_id=[], kind="created") == []
