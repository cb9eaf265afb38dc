"""A client user's personal data: deleting, exporting and erasing them."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from clients.models import ClientMembership
from documents.models import Document
from inbound.models import InboundMessage, TrustedSender, TrustKind
from inbound.services.addresses import address_for
from inbound.services.receiving import receive_message
from invitations.models import Delivery, InvitationEvent, InvitationStatus
from privacy.services import erase_client_user, export_client_user
from privacy.tasks import clear_expired_sessions
from tests.accounts.factories import PASSWORD, UserFactory
from tests.bureau.factories import AccountantFactory
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
)
from tests.documents.factories import DocumentFactory
from tests.inbound.mail import pdf, raw_mime
from tests.invitations.factories import DeliveryFactory, InvitationFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def client_user():
    """A client user with an accepted invitation, an SMS and an e-mail about it, events, an
    underlag sent today and one sent eight years ago."""
    user = UserFactory(
        username="anna.svensson",
        full_name="Anna Svensson",
        email="anna@bageriet.test",
        mobile="+46701234567",
    )
    invitation = InvitationFactory(
        user=user, status=InvitationStatus.ACCEPTED, accepted_at=timezone.now()
    )
    ClientMembershipFactory(client=invitation.client, user=user)
    DeliveryFactory(
        invitation=invitation,
        recipient="anna@bageriet.test",
        status="failed",
        last_error="SMTP 550 <anna@bageriet.test>: mailbox full",
    )
    DeliveryFactory(invitation=invitation, channel="sms", recipient="+46701234567")
    InvitationEvent.objects.create(
        invitation=invitation, kind="renewal_requested", detail="anna@bageriet.test"
    )
    DocumentFactory(client=invitation.client, uploaded_by=user, original_name="kvitto-ny.pdf")
    old = DocumentFactory(
        client=invitation.client, uploaded_by=user, original_name="kvitto-gammal.pdf"
    )
    Document.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8 * 366))
    return user


def test_deleting_a_client_user_who_sent_underlag_keeps_the_underlag(client, client_user):
    """Before: ProtectedError. The underlag are the client company's bookkeeping, not the
    person's: they stay, without a sender."""
    client_company = ClientMembership.objects.get(user=client_user).client

    client_user.delete()

    documents = Document.objects.filter(client=client_company)
    assert documents.count() == 2
    assert set(documents.values_list("uploaded_by", flat=True)) == {None}
    accountant = AccountantFactory(firm_membership__firm=client_company.firm)
    ClientRightFactory(accountant=accountant, client=client_company)
    client.force_login(accountant)
    page = client.get(reverse("documents:firm_list")).content.decode()
    assert "kvitto-ny.pdf" in page and "Borttagen användare" in page


def test_deleting_one_in_the_admin_works_too(client, client_user):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:accounts_user_delete", args=[client_user.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not User.objects.filter(pk=client_user.pk).exists()
    assert Document.objects.count() == 2


def test_the_export_holds_everything_about_the_person(client_user):
    data = export_client_user(user=client_user)

    assert data["user"]["email"] == "anna@bageriet.test"
    assert data["user"]["mobile"] == "+46701234567"
    assert [c["name"] for c in data["client_companies"]] == [
        ClientMembership.objects.get(user=client_user).client.name
    ]
    (invitation,) = data["invitations"]
    assert invitation["status"] == "accepted"
    assert {d["recipient"] for d in invitation["deliveries"]} == {
        "anna@bageriet.test",
        "+46701234567",
    }
    assert invitation["events"][0]["kind"] == "renewal_requested"
    assert sorted(d["file_name"] for d in data["documents"]) == [
        "kvitto-gammal.pdf",
        "kvitto-ny.pdf",
    ]


def test_the_export_command_writes_json(client_user, tmp_path):
    target = tmp_path / "anna.json"

    call_command("export_personal_data", "Anna.Svensson", output=str(target))

    data = json.loads(target.read_text())
    assert data["user"]["full_name"] == "Anna Svensson"
    assert len(data["documents"]) == 2


def test_the_admin_action_downloads_the_export(client, client_user):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "export_personal_data", "_selected_action": [client_user.pk]},
    )

    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["anna.svensson"]["user"]["email"] == "anna@bageriet.test"


def test_accountants_are_not_exported_or_erased_as_client_users():
    accountant = AccountantFactory()
    with pytest.raises(ValidationError):
        export_client_user(user=accountant)
    with pytest.raises(ValidationError):
        erase_client_user(user=accountant, now=timezone.now())
    accountant.refresh_from_db()
    assert accountant.is_active and accountant.full_name


def test_erasing_anonymises_the_person_and_keeps_the_shape_of_the_trail(
    client, client_user, django_capture_on_commit_callbacks
):
    deliveries_before = Delivery.objects.count()
    events_before = list(InvitationEvent.objects.values_list("kind", "created_at"))
    old = Document.objects.get(original_name="kvitto-gammal.pdf")
    old_file = old.file.name
    assert default_storage.exists(old_file)

    with django_capture_on_commit_callbacks(execute=True):
        erasure = erase_client_user(user=client_user, now=timezone.now())

    client_user.refresh_from_db()
    assert client_user.username == f"raderad-{client_user.pk}"
    assert (client_user.full_name, client_user.email, str(client_user.mobile)) == ("", "", "")
    assert not client_user.is_active and not client_user.has_usable_password()
    assert not ClientMembership.objects.filter(user=client_user).exists()
    assert Delivery.objects.count() == deliveries_before
    assert set(Delivery.objects.values_list("recipient", flat=True)) == {""}
    assert not Delivery.objects.filter(last_error__contains="anna").exists()
    assert list(InvitationEvent.objects.values_list("kind", "created_at")) == events_before
    assert set(InvitationEvent.objects.values_list("detail", flat=True)) == {""}
    # Underlag: the one past retention is gone with its file, the young one stays.
    assert list(Document.objects.values_list("original_name", flat=True)) == ["kvitto-ny.pdf"]
    assert not default_storage.exists(old_file)
    assert (erasure.documents_deleted, erasure.documents_kept) == (1, 1)
    client.post(reverse("login"), {"username": "anna.svensson", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_erasing_revokes_a_pending_invitation_so_its_link_stops_working(client):
    invitation = InvitationFactory(user__email="ny@klient.test")
    DeliveryFactory(invitation=invitation, recipient="ny@klient.test", status="pending")
    link = reverse("acceptance:accept", kwargs={"secret": invitation.secret})

    erase_client_user(user=invitation.user, now=timezone.now())

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED
    assert Delivery.objects.get().status == "failed"  # never sent to anyone
    password = "Ett-nytt-l0senord"
    response = client.post(link, {"new_password1": password, "new_password2": password})
    invitation.user.refresh_from_db()
    assert not invitation.user.is_active
    assert "_auth_user_id" not in client.session
    assert "invitations/acceptance/lapsed.html" in [t.name for t in response.templates]


def test_the_erase_command_asks_for_yes(client_user):
    call_command("erase_personal_data", "anna.svensson")
    client_user.refresh_from_db()
    assert client_user.email == "anna@bageriet.test"

    call_command("erase_personal_data", "anna.svensson", yes=True)
    client_user.refresh_from_db()
    assert client_user.email == ""


def test_the_admin_action_asks_before_erasing(client, client_user):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:accounts_user_changelist")

    question = client.post(
        url, {"action": "erase_personal_data", "_selected_action": [client_user.pk]}
    )
    client_user.refresh_from_db()
    assert "Det går inte att ångra" in question.content.decode()
    assert client_user.email == "anna@bageriet.test"

    done = client.post(
        url,
        {"action": "erase_personal_data", "_selected_action": [client_user.pk], "confirm": "yes"},
        follow=True,
    )
    client_user.refresh_from_db()
    assert client_user.email == ""
    assert "1 klientanvändare är anonymiserad." in done.content.decode()


def test_the_nightly_task_clears_expired_sessions_and_keeps_live_ones():
    expired, live = SessionStore(), SessionStore()
    for store, expiry in ((expired, -60), (live, 3600)):
        store["wizard-draft"] = {"rows": {"1": {"email": "hemlig@klient.test"}}}
        store.set_expiry(expiry)
        store.create()

    clear_expired_sessions.delay()

    assert set(Session.objects.values_list("session_key", flat=True)) == {live.session_key}


def _mail(capture, *, sender: str, to: str, subject: str) -> InboundMessage:
    raw = raw_mime(
        sender=sender, to=to, subject=subject, files=[("a.pdf", pdf(1), "application/pdf")]
    )
    with capture(execute=True):  # its processing, queued on commit
        [received] = receive_message(raw=raw, channel="test")
    received.message.refresh_from_db()
    return received.message


@pytest.fixture
def mail_from_the_client_user(client_user, django_capture_on_commit_callbacks):
    """Anna's mail to her company's address (accepted), a mail from her address to another
    client of the firm (waiting in quarantine, its raw message kept), and that client
    trusting her address; plus a stranger's mail that must stay as it is."""
    own = ClientMembership.objects.get(user=client_user).client
    other = ClientCompanyFactory(firm=own.firm)
    accepted = _mail(
        django_capture_on_commit_callbacks,
        sender="Anna <ANNA@bageriet.test>",
        to=address_for(client=own).email,
        subject="Kvitto maj",
    )
    waiting = _mail(
        django_capture_on_commit_callbacks,
        sender="anna@bageriet.test",
        to=address_for(client=other).email,
        subject="Faktura",
    )
    stranger = _mail(
        django_capture_on_commit_callbacks,
        sender="okand@example.test",
        to=address_for(client=own).email,
        subject="Hej",
    )
    TrustedSender.objects.create(client=own, kind=TrustKind.SENDER, value="anna@bageriet.test")
    return accepted, waiting, stranger


def test_the_export_holds_the_mail_the_person_sent_to_the_portal(
    client_user, mail_from_the_client_user
):
    data = export_client_user(user=client_user)

    assert sorted(mail["subject"] for mail in data["mail_sent_to_the_portal"]) == [
        "Faktura",
        "Kvitto maj",
    ]
    assert {mail["outcome"] for mail in data["mail_sent_to_the_portal"]} == {
        "accepted",
        "quarantined",
    }
    assert len(data["trusted_as_sender_by"]) == 1


def test_erasing_clears_the_persons_inbound_mail_and_the_trust_in_their_address(
    client_user, mail_from_the_client_user, django_capture_on_commit_callbacks
):
    accepted, waiting, stranger = mail_from_the_client_user
    raw_name = waiting.raw.name
    assert raw_name and default_storage.exists(raw_name)

    with django_capture_on_commit_callbacks(execute=True):
        erasure = erase_client_user(user=client_user, now=timezone.now())

    assert erasure.inbound_mails_cleared == 2
    accepted.refresh_from_db()
    waiting.refresh_from_db()
    stranger.refresh_from_db()
    assert (accepted.sender, accepted.sender_name, accepted.outcome) == ("", "", "accepted")
    assert accepted.documents.count() == 1  # the company's bookkeeping stays
    assert (waiting.sender, waiting.outcome, waiting.reason) == ("", "rejected", "sender_erased")
    assert not waiting.raw and not default_storage.exists(raw_name)
    assert stranger.sender == "okand@example.test" and stranger.outcome == "quarantined"
    assert not TrustedSender.objects.exists()
    assert InboundMessage.objects.count() == 3
