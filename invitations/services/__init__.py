"""Writes of the invitation flow. Every rule lives here; views, tasks and commands call in.

One module per use case, after Zulip's ``zerver/actions/``: ``wizard`` creates and invites
users; ``lifecycle`` accepts, resends, corrects, revokes, renews and reminds. Both give
links through ``invitations.links`` and hand the messages they promise to
``invitations.delivery`` (the outbox), which never calls back. Every public name is
importable from ``invitations.services``.
"""

from ..links import find_invitation_by_secret, give_new_secret, invitation_expiry, invitation_link
from .lifecycle import (
    RENEWAL_NOTICE_INTERVAL,
    Correction,
    CorrectionRefused,
    InvitationNotAcceptable,
    accept_invitation,
    correct_invitation,
    manageable_invitations,
    request_new_link,
    resend_invitations,
    revoke_invitations,
    send_due_reminders,
)
from .wizard import (
    BATCH,
    NewUserRow,
    RowsRefused,
    existing_user_errors,
    invite_existing_users,
    invite_new_users,
    new_user_row_errors,
    too_many_rows_error,
)

__all__ = [
    "BATCH",
    "RENEWAL_NOTICE_INTERVAL",
    "Correction",
    "CorrectionRefused",
    "InvitationNotAcceptable",
    "NewUserRow",
    "RowsRefused",
    "accept_invitation",
    "correct_invitation",
    "existing_user_errors",
    "find_invitation_by_secret",
    "give_new_secret",
    "invitation_expiry",
    "invitation_link",
    "invite_existing_users",
    "invite_new_users",
    "manageable_invitations",
    "new_user_row_errors",
    "request_new_link",
    "resend_invitations",
    "revoke_invitations",
    "send_due_reminders",
    "too_many_rows_error",
]
