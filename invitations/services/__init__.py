"""Writes of the invitation flow. Every rule lives here; views, tasks and commands call in.

One module per use case, after Zulip's ``zerver/actions/``: ``links`` (a fresh secret and
expiry, the link's address, finding an invitation by it) and ``deliveries`` (the outbox rows
an invitation promises, queued after commit) are shared by every way an invitation is made
or renewed; ``wizard`` creates and invites users; ``lifecycle`` accepts, resends, revokes,
renews and reminds. Every public name is importable from ``invitations.services``.
"""

from .deliveries import enqueue_deliveries, promised_deliveries
from .lifecycle import (
    RENEWAL_NOTICE_INTERVAL,
    InvitationNotAcceptable,
    accept_invitation,
    manageable_invitations,
    notify_accountant_of_renewal,
    request_new_link,
    resend_invitations,
    revoke_invitations,
    send_due_reminders,
)
from .links import find_invitation_by_secret, give_new_secret, invitation_expiry, invitation_link
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
    "InvitationNotAcceptable",
    "NewUserRow",
    "RowsRefused",
    "accept_invitation",
    "enqueue_deliveries",
    "existing_user_errors",
    "find_invitation_by_secret",
    "give_new_secret",
    "invitation_expiry",
    "invitation_link",
    "invite_existing_users",
    "invite_new_users",
    "manageable_invitations",
    "new_user_row_errors",
    "notify_accountant_of_renewal",
    "promised_deliveries",
    "request_new_link",
    "resend_invitations",
    "revoke_invitations",
    "send_due_reminders",
    "too_many_rows_error",
]
