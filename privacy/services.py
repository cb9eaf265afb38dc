"""A client user's personal data (GDPR articles 15, 17 and 20): export it, erase it.

Erasing keeps the shape of the audit trail: the user row stays (its id, so invitations,
deliveries and events still point somewhere and the firm's counts stay true) with every
personal field emptied; the trail keeps its kinds and times and loses the addresses.
Underlag are the client company's bookkeeping, which the firm must keep for years
(Bokföringslagen: seven): those older than ``PERSONAL_DATA_DOCUMENT_RETENTION_YEARS`` are
deleted with their files, younger ones are kept without the sender's name.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from accounts.models import User
from bureau.models import FirmMembership
from clients.models import ClientMembership
from documents.models import Document
from inbound.models import InboundMessage, Outcome, Reason, TrustedSender, TrustKind
from invitations.models import (
    Delivery,
    DeliveryStatus,
    Invitation,
    InvitationEvent,
    InvitationStatus,
)

ERASED_DELIVERY_NOTE = "personal data erased"


def _refuse_unless_client_user(user: User) -> None:
    if user.is_staff or user.is_superuser or FirmMembership.objects.filter(user=user).exists():
        raise ValidationError(
            gettext(
                "%(username)s är inte en klientanvändare. Bara klientanvändares uppgifter "
                "exporteras och raderas här."
            )
            % {"username": user.username}
        )


def export_client_user(*, user: User) -> dict:
    """Everything the portal holds about one client user, as JSON-ready data: the account,
    the client companies they belong to, their invitations with events and deliveries, and
    the underlag they sent (described; the files themselves are downloaded from the portal).
    Reads only; a fixed number of queries."""
    _refuse_unless_client_user(user)
    memberships = ClientMembership.objects.filter(user=user).select_related("client__firm")
    invitations = (
        Invitation.objects.filter(user=user)
        .select_related("client", "invited_by")
        .prefetch_related("events", "deliveries")
        .order_by("created_at", "id")
    )
    documents = Document.objects.filter(uploaded_by=user).select_related("client")
    mails = _mail_from(user.email).select_related("client").order_by("received_at", "id")
    trusts = _trust_in(user.email).select_related("client")
    return {
        "user": {
            "id": user.pk,
            "username": user.username,
            "full_name": user.full_name,
            "email": user.email,
            "mobile": str(user.mobile) if user.mobile else "",
            "language": user.language,
            "is_active": user.is_active,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "client_companies": [
            {
                "name": membership.client.name,
                "org_number": membership.client.org_number,
                "firm": membership.client.firm.name,
                "member_since": membership.created_at,
            }
            for membership in memberships
        ],
        "invitations": [
            {
                "client": invitation.client.name,
                "invited_by": invitation.invited_by.get_full_name(),
                "status": invitation.status,
                "created_at": invitation.created_at,
                "expires_at": invitation.expires_at,
                "accepted_at": invitation.accepted_at,
                "revoked_at": invitation.revoked_at,
                "events": [
                    {"kind": event.kind, "at": event.created_at, "detail": event.detail}
                    for event in invitation.events.all()
                ],
                "deliveries": [
                    {
                        "channel": delivery.channel,
                        "purpose": delivery.purpose,
                        "recipient": delivery.recipient,
                        "status": delivery.status,
                        "created_at": delivery.created_at,
                        "sent_at": delivery.sent_at,
                        "last_error": delivery.last_error,
                    }
                    for delivery in invitation.deliveries.all()
                ],
            }
            for invitation in invitations
        ],
        "documents": [
            {
                "client": document.client.name,
                "file_name": document.original_name,
                "content_type": document.content_type,
                "size": document.size,
                "comment": document.comment,
                "status": document.status,
                "sent_at": document.created_at,
            }
            for document in documents
        ],
        "mail_sent_to_the_portal": [
            {
                "client": mail.client.name if mail.client else "",
                "received_at": mail.received_at,
                "sender": mail.sender,
                "sender_name": mail.sender_name,
                "subject": mail.subject,
                "outcome": mail.outcome,
                "reason": mail.reason,
            }
            for mail in mails
        ],
        "trusted_as_sender_by": [
            {"client": trust.client.name, "since": trust.added_at} for trust in trusts
        ],
    }


def _mail_from(email: str):
    """The inbound mail sent from ``email``: a person's, since addresses are unique per user."""
    if not email:
        return InboundMessage.objects.none()
    return InboundMessage.objects.filter(sender__iexact=email)


def _trust_in(email: str):
    if not email:
        return TrustedSender.objects.none()
    return TrustedSender.objects.filter(kind=TrustKind.SENDER, value__iexact=email)


@dataclass(frozen=True)
class Erasure:
    user_id: int
    invitations_revoked: int
    deliveries_cleared: int
    documents_deleted: int
    documents_kept: int
    inbound_mails_cleared: int


def erase_client_user(*, user: User, now: datetime) -> Erasure:
    """Anonymises one client user, in one transaction, so that nothing the portal keeps
    names or reaches them, while every row of the audit trail stays where it was.

    Guarantees: only a client user (an accountant or staff is refused with a
    ValidationError); the account can never sign in again (inactive, unusable password,
    username ``raderad-<id>``, name, e-mail and mobile empty); a pending invitation is
    revoked, so its link stops working; their memberships end (the client may get new
    users); the recipients and error texts of their deliveries are emptied and an unsent
    delivery is never sent; event details are emptied (kinds and times stay); their sign-in
    failures are forgotten; the mail they sent to the portal keeps its record without their
    address, name or content (one still waiting in quarantine is rejected) and no client
    trusts their address any more; underlag older than the retention are deleted with their
    files, the rest kept. Files are deleted after the commit, so a rollback loses none.
    """
    _refuse_unless_client_user(user)
    retention = timedelta(days=365 * settings.PERSONAL_DATA_DOCUMENT_RETENTION_YEARS)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        old_username, old_email = user.username, user.email
        user.username = f"raderad-{user.pk}"
        user.full_name = ""
        user.email = ""
        user.mobile = ""
        user.is_active = False
        user.last_login = None
        user.set_unusable_password()
        user.save()

        invitations = Invitation.objects.filter(user=user)
        revoked = invitations.filter(status=InvitationStatus.PENDING).update(
            status=InvitationStatus.REVOKED, revoked_at=now
        )
        deliveries = Delivery.objects.filter(invitation__user=user)
        deliveries.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]).update(
            status=DeliveryStatus.FAILED, next_attempt_at=None, status_changed_at=now
        )
        cleared = deliveries.update(recipient="", last_error=ERASED_DELIVERY_NOTE)
        InvitationEvent.objects.filter(invitation__user=user).update(detail="")
        ClientMembership.objects.filter(user=user).delete()
        _forget_sign_in_failures(old_username)
        mails_cleared, raw_files = _clear_mail_from(old_email, now=now)

        expired = list(Document.objects.filter(uploaded_by=user, created_at__lt=now - retention))
        files = [document.file.name for document in expired]
        Document.objects.filter(pk__in=[document.pk for document in expired]).delete()
        kept = Document.objects.filter(uploaded_by=user).count()
        storage = Document._meta.get_field("file").storage
        raw_storage = InboundMessage._meta.get_field("raw").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
        transaction.on_commit(lambda: [raw_storage.delete(name) for name in raw_files])
    return Erasure(
        user_id=user.pk,
        invitations_revoked=revoked,
        deliveries_cleared=cleared,
        documents_deleted=len(expired),
        documents_kept=kept,
        inbound_mails_cleared=mails_cleared,
    )


def _clear_mail_from(email: str, *, now: datetime) -> tuple[int, list[str]]:
    """Empties the sender of ``email``'s inbound mail; returns the count and the stored raw
    messages to delete after the commit."""
    mails = _mail_from(email)
    raw_files = list(mails.exclude(raw="").values_list("raw", flat=True))
    mails.filter(outcome=Outcome.QUARANTINED).update(
        outcome=Outcome.REJECTED, reason=Reason.SENDER_ERASED, decided_at=now
    )
    cleared = mails.update(sender="", sender_name="", raw="")
    _trust_in(email).delete()
    return cleared, raw_files


def _forget_sign_in_failures(username: str) -> None:
    from axes.models import AccessAttempt, AccessFailureLog

    from accounts.login_throttle import username_key

    key = username_key(None, {settings.AXES_USERNAME_FORM_FIELD: username})
    AccessAttempt.objects.filter(username=key).delete()
    AccessFailureLog.objects.filter(username=key).delete()
