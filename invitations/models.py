from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BatchKind(models.TextChoices):
    NEW_USERS = "new_users", _("Nya användare")
    EXISTING_USERS = "existing_users", _("Befintliga användare")


class InvitationBatch(models.Model):
    """One submission of the "Bjud in klientanvändare" wizard.

    ``submission_key`` is minted when the wizard is shown; a second post of the same key
    (double click, reload, back button) finds this batch instead of creating another.
    """

    firm = models.ForeignKey(
        "bureau.Firm", on_delete=models.CASCADE, related_name="+", verbose_name=_("byrå")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("skapad av"),
    )
    kind = models.CharField(_("typ"), max_length=20, choices=BatchKind.choices)
    submission_key = models.UUIDField(_("inskickningsnyckel"), unique=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("inbjudningsomgång")
        verbose_name_plural = _("inbjudningsomgångar")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Väntar på svar")
    ACCEPTED = "accepted", _("Accepterad")
    REVOKED = "revoked", _("Återkallad")


class Invitation(models.Model):
    """An invitation of one client user to one client company.

    The link's secret is never stored: it is derived from ``secret_nonce`` with the server's
    SECRET_KEY (see ``invitations.secrets``), and only its SHA-256 is kept for the look-up.
    Resending rotates the nonce, so the old link stops working. "Expired" is not a stored
    status: a pending invitation is expired once ``expires_at`` has passed.
    """

    batch = models.ForeignKey(
        InvitationBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("omgång"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("klientanvändare"),
    )
    client = models.ForeignKey(
        "clients.ClientCompany",
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("klient"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("inbjuden av"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    secret_nonce = models.CharField(max_length=32, editable=False)
    # Unique by a constraint in Meta: ``unique=True`` would add a pattern index for LIKE,
    # which no look-up of a hash needs and every insert would pay for.
    secret_hash = models.CharField(max_length=64, editable=False)
    expires_at = models.DateTimeField(_("giltig till"))
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    last_sent_at = models.DateTimeField(_("senast skickad"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("påminnelse skickad"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepterad"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbjudan")
        verbose_name_plural = _("inbjudningar")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="invitation_one_pending_per_user",
            ),
            models.UniqueConstraint(fields=["secret_hash"], name="invitation_secret_hash_unique"),
        ]
        indexes = [
            models.Index(fields=["client", "status"], name="invitation_client_status_idx"),
            models.Index(fields=["status", "expires_at"], name="invitation_status_expiry_idx"),
        ]

    def __str__(self):
        return f"{self.user} → {self.client.name}"

    @property
    def is_expired(self) -> bool:
        return self.status == InvitationStatus.PENDING and self.expires_at <= timezone.now()

    @property
    def display_status(self) -> str:
        """The status as a person reads it, with "Utgången" for a lapsed pending invitation."""
        if self.is_expired:
            return str(_("Utgången"))
        return self.get_status_display()


class Channel(models.TextChoices):
    EMAIL = "email", _("E-post")
    SMS = "sms", _("SMS")


class DeliveryPurpose(models.TextChoices):
    INVITATION = "invitation", _("Inbjudan")
    REMINDER = "reminder", _("Påminnelse")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Väntar")
    SENDING = "sending", _("Skickas")
    SENT = "sent", _("Skickad")
    DELIVERED = "delivered", _("Levererad")
    FAILED = "failed", _("Misslyckad")
    UNKNOWN = "unknown", _("Okänt utfall")


class DeliveryError(models.TextChoices):
    """Why a delivery did not (yet) go, as the portal itself knows it."""

    PROVIDER = "provider", _("Leverantören svarade med ett fel")
    NO_CONNECTION = "no_connection", _("Ingen anslutning")
    CONNECTION_DROPPED = "connection_dropped", _("Anslutningen bröts")
    TIMEOUT = "timeout", _("Inget svar i tid")
    GAVE_UP = "gave_up", _("Gav upp efter flera försök")
    SUPERSEDED = "superseded", _("Ersatt av ett nyare utskick")
    CORRECTED = "corrected", _("Ersatt: uppgifterna rättades")
    INVITATION_CLOSED = "invitation_closed", _("Inbjudan är inte längre öppen")
    WORKER_STOPPED = "worker_stopped", _("Arbetaren stannade under sändningen")
    UNEXPECTED = "unexpected", _("Oväntat fel")
    LINK_KEY_GONE = (
        "link_key_gone",
        _("Länken gjordes med en SECRET_KEY som inte längre finns: skicka inbjudan igen"),
    )
    SMS_DISABLED = "sms_disabled", _("SMS är avstängt i den här installationen")


class Delivery(models.Model):
    """One promised message (the outbox row): written with the invitation, sent by a worker.

    A worker claims it with one conditional UPDATE (pending → sending), sends outside any
    transaction, then records the outcome; so a redelivered task finds nothing to claim.
    """

    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("inbjudan"),
    )
    channel = models.CharField(_("kanal"), max_length=5, choices=Channel.choices)
    purpose = models.CharField(
        _("syfte"),
        max_length=10,
        choices=DeliveryPurpose.choices,
        default=DeliveryPurpose.INVITATION,
    )
    recipient = models.CharField(_("mottagare"), max_length=254)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    next_attempt_at = models.DateTimeField(_("nästa försök"), null=True, blank=True)
    # Indexed where set (Meta): a pending row has none, so its insert costs no index entry.
    provider_message_id = models.CharField(
        _("leverantörens meddelande-id"), max_length=255, blank=True
    )
    # Why the last attempt did not succeed: ``error_code`` (one of DeliveryError) and its
    # ``error_params`` are put into words in the reader's language when shown; ``last_error``
    # holds what the provider itself answered (an SMTP reply, Twilio's message), as it came,
    # or, on rows older than the code, the whole reason as it was written then.
    error_code = models.CharField(_("felkod"), max_length=30, blank=True)
    error_params = models.JSONField(_("felparametrar"), default=dict, blank=True)
    last_error = models.TextField(_("senaste fel"), blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("påbörjad"), null=True, blank=True)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status ändrad"), default=timezone.now)

    class Meta:
        verbose_name = _("utskick")
        verbose_name_plural = _("utskick")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="delivery_status_created_idx"),
            models.Index(
                fields=["provider_message_id"],
                condition=~models.Q(provider_message_id=""),
                name="delivery_provider_message_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient} ({self.get_status_display()})"


class EventKind(models.TextChoices):
    CREATED = "created", _("Skapad")
    SENT = "sent", _("Skickad")
    DELIVERED = "delivered", _("Levererad")
    BOUNCED = "bounced", _("Studsade")
    COMPLAINED = "complained", _("Markerad som skräppost")
    FAILED = "failed", _("Misslyckades")
    RESENT = "resent", _("Skickad igen")
    REMINDED = "reminded", _("Påminnelse")
    REVOKED = "revoked", _("Återkallad")
    ACCEPTED = "accepted", _("Accepterad")
    RENEWAL_REQUESTED = "renewal_requested", _("Ny länk begärd")
    CORRECTED = "corrected", _("Uppgifter rättade")


class InvitationEvent(models.Model):
    """The audit trail of an invitation: what happened, who did it, when.

    What happened is a ``kind`` and its ``params`` (a channel, a recipient, a reason code,
    the fields a correction changed), put into words in the reader's language when shown
    (``invitations.event_text``). ``detail`` is the sentence earlier versions stored; it is
    still shown for those rows, as it was written.
    """

    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("inbjudan"),
    )
    kind = models.CharField(_("händelse"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("av"),
    )
    params = models.JSONField(_("parametrar"), default=dict, blank=True)
    detail = models.CharField(_("detaljer"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("tid"), default=timezone.now)

    class Meta:
        verbose_name = _("händelse")
        verbose_name_plural = _("händelser")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"
