"""What `make run` promises, on SQLite: the database the embedded run uses.

The rest of the suite runs on PostgreSQL; these check that the conditional UPDATE that
claims a delivery, the wizard's re-check under its transaction and the case-insensitive
unique constraints hold on SQLite too. Tasks run in-process after the commit, as they do
without a broker, and e-mail goes to the local outbox, as `make run` has it.
"""

import re
import uuid
from email import message_from_binary_file, policy
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from accounts.models import User
from invitations.models import Delivery, DeliveryStatus, Invitation, InvitationStatus
from invitations.services import NewUserRow, RowsRefused, invite_new_users
from invitations.tasks import send_delivery
from tests.accounts.factories import UserFactory
from tests.bureau.factories import AccountantFactory, FirmFactory
from tests.clients.factories import ClientCompanyFactory, ClientRightFactory

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "Solros-Kvitto-2026"


@pytest.fixture(autouse=True)
def local_outbox(settings, tmp_path):
    assert connection.vendor == "sqlite"
    settings.EMAIL_BACKEND = "invitations.delivery.outbox.OutboxEmailBackend"
    settings.EMAIL_OUTBOX_DIR = str(tmp_path)
    settings.SMS_OUTBOX_DIR = str(tmp_path / "sms")
    return tmp_path


@pytest.fixture
def administered_client(db):
    firm = FirmFactory(name="Byrå Ekonomi AB")
    accountant = AccountantFactory(firm_membership__firm=firm)
    client_company = ClientCompanyFactory(firm=firm, name="Alfa Bygg AB")
    ClientRightFactory(accountant=accountant, client=client_company, is_system_admin=True)
    return accountant, client_company


def outbox_messages(folder: Path) -> list:
    messages = []
    for path in sorted((folder / "mail").glob("*.eml")):
        with path.open("rb") as file:
            messages.append(message_from_binary_file(file, policy=policy.default))
    return messages


def submit(accountant, client_company, **row):
    values = {"full_name": "Åsa Öberg", "email": "asa@alfa.test", "username": "asa.oberg"}
    return invite_new_users(
        accountant=accountant,
        firm=client_company.firm,
        rows=[NewUserRow(client_id=client_company.pk, **(values | row))],
        submission_key=uuid.uuid4(),
    )


def test_submit_send_and_accept_on_sqlite(client, administered_client, local_outbox):
    accountant, client_company = administered_client

    batch = submit(accountant, client_company)

    invitation = Invitation.objects.get(batch=batch)
    email = Delivery.objects.get(invitation=invitation, channel="email")
    assert email.status == DeliveryStatus.SENT
    (message,) = outbox_messages(local_outbox)
    assert message["To"] == "asa@alfa.test"
    body = message.get_body(preferencelist=("plain",)).get_content()
    secret = re.search(r"/inbjudan/([\w-]+)/", body).group(1)

    response = client.post(
        reverse("acceptance:accept", kwargs={"secret": secret}),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("documents:start")
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    user = User.objects.get(username="asa.oberg")
    assert user.is_active and user.check_password(NEW_PASSWORD)


def test_a_redelivered_task_sends_nothing_more_on_sqlite(administered_client, local_outbox):
    accountant, client_company = administered_client
    batch = submit(accountant, client_company)
    email = Delivery.objects.get(invitation__batch=batch, channel="email")

    send_delivery.delay(email.pk)  # the broker delivers the same task again
    send_delivery.delay(email.pk)

    email.refresh_from_db()
    assert email.status == DeliveryStatus.SENT
    assert email.attempts == 1
    assert len(outbox_messages(local_outbox)) == 1


def test_a_client_invited_meanwhile_is_refused_on_sqlite(administered_client):
    accountant, client_company = administered_client
    submit(accountant, client_company)

    with pytest.raises(RowsRefused):
        submit(accountant, client_company, email="bo@alfa.test", username="bo.berg")

    assert User.objects.filter(client_memberships__client=client_company).count() == 1
    assert Invitation.objects.count() == 1


def test_an_address_taken_since_the_review_is_named_on_sqlite(administered_client):
    accountant, client_company = administered_client
    UserFactory(username="someone", email="ASA@alfa.test")

    with pytest.raises(RowsRefused) as refused:
        submit(accountant, client_company)

    assert "e-postadressen" in refused.value.row_errors[client_company.pk]["email"][0]
    assert not Invitation.objects.exists()
    assert User.objects.count() == 2  # the accountant and the one who had the address


def test_usernames_and_emails_are_unique_whatever_the_case_on_sqlite(db):
    UserFactory(username="asa.oberg", email="asa@alfa.test")

    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="Asa.Oberg", email="other@alfa.test")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="other", email="ASA@Alfa.test")
    assert User.objects.count() == 1
