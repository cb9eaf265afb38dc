"""Two submissions at the same moment, on real connections to PostgreSQL."""

import threading
import time
import uuid

import pytest
from django.db import connection, transaction

from accounts.models import User
from clients.models import ClientCompany, ClientMembership
from invitations.models import Invitation, InvitationBatch
from invitations.services import NewUserRow, RowsRefused, invite_new_users
from tests.accounts.factories import UserFactory
from tests.bureau.factories import AccountantFactory, FirmFactory
from tests.clients.factories import ClientCompanyFactory, ClientRightFactory

pytestmark = pytest.mark.django_db(transaction=True)


def in_thread(function, *args, **kwargs):
    """Runs ``function`` on its own thread and database connection; returns a join()."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - handed back to the test
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()

    def join():
        thread.join(timeout=30)
        assert not thread.is_alive()
        return outcome

    return join


@pytest.fixture
def shared_client():
    firm = FirmFactory()
    first = AccountantFactory(firm_membership__firm=firm)
    second = AccountantFactory(firm_membership__firm=firm)
    client = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=first, client=client)
    ClientRightFactory(accountant=second, client=client)
    return firm, first, second, client


def row(client, n):
    return NewUserRow(
        client_id=client.pk,
        full_name=f"Person {n}",
        email=f"person{n}@klient.test",
        username=f"person{n}",
    )


def test_a_submission_waits_for_the_one_holding_the_client_and_then_is_refused(shared_client):
    firm, first, second, client = shared_client
    with transaction.atomic():
        # The first accountant's transaction holds the client row, as invite_new_users does.
        ClientCompany.objects.select_for_update().get(pk=client.pk)
        join = in_thread(
            invite_new_users,
            accountant=second,
            firm=firm,
            rows=[row(client, 2)],
            submission_key=uuid.uuid4(),
        )
        assert _thread_waits_on_a_lock()
        ClientMembership.objects.create(client=client, user=UserFactory())
    outcome = join()

    assert isinstance(outcome.get("error"), RowsRefused), outcome
    assert "fått användare" in outcome["error"].row_errors[client.pk]["client"][0]
    assert not User.objects.filter(email="person2@klient.test").exists()


def test_two_accountants_submitting_the_same_client_at_once_one_wins(shared_client):
    firm, first, second, client = shared_client
    barrier = threading.Barrier(2)

    def submit(accountant, n):
        barrier.wait()
        return invite_new_users(
            accountant=accountant, firm=firm, rows=[row(client, n)], submission_key=uuid.uuid4()
        )

    joins = [in_thread(submit, first, 1), in_thread(submit, second, 2)]
    outcomes = [join() for join in joins]

    assert sorted("value" in o for o in outcomes) == [False, True]
    refused = next(o["error"] for o in outcomes if "error" in o)
    assert isinstance(refused, RowsRefused)
    assert list(refused.row_errors) == [client.pk]
    assert ClientMembership.objects.filter(client=client).count() == 1
    assert InvitationBatch.objects.count() == 1


def test_the_same_submission_posted_twice_at_once_writes_one_set(shared_client):
    firm, first, _second, client = shared_client
    key = uuid.uuid4()
    barrier = threading.Barrier(2)

    def submit():
        barrier.wait()
        return invite_new_users(
            accountant=first, firm=firm, rows=[row(client, 1)], submission_key=key
        )

    joins = [in_thread(submit), in_thread(submit)]
    outcomes = [join() for join in joins]

    assert all("value" in o for o in outcomes), outcomes
    assert outcomes[0]["value"].pk == outcomes[1]["value"].pk
    assert Invitation.objects.count() == 1


def test_an_email_taken_by_another_submission_meanwhile_is_refused_on_its_row(shared_client):
    firm, first, second, client = shared_client
    with transaction.atomic():
        # Another submission has inserted the address but not committed: our check cannot
        # see it, our insert waits on the unique index, then fails.
        UserFactory(email="person2@klient.test")
        join = in_thread(
            invite_new_users,
            accountant=second,
            firm=firm,
            rows=[row(client, 2)],
            submission_key=uuid.uuid4(),
        )
        # The thread passes its checks, then waits at its insert until we commit.
        assert _thread_waits_on_a_lock()
    outcome = join()

    assert isinstance(outcome.get("error"), RowsRefused), outcome
    assert "e-postadressen" in outcome["error"].row_errors[client.pk]["email"][0]
    assert not InvitationBatch.objects.exists()


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def _thread_waits_on_a_lock() -> bool:
    """Gives the other thread up to five seconds to block on a row or index lock."""
    for _attempt in range(50):
        time.sleep(0.1)
        if _waiting_on_a_lock():
            return True
    return False
