"""Underlag by e-mail: each client company's address, who may send, and every message received.

The models hold state only; ``services`` decides what a message becomes and why.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InboundAddress(models.Model):
    """One e-mail address of a client company: ``<readable>-<random>@INBOUND_EMAIL_DOMAIN``.

    Only the local part is stored, so the domain is the setting's. A replaced address stays as
    a row (``replaced_at`` set) so that mail to it is refused with that reason.
    """

    client = models.ForeignKey(
        "clients.ClientCompany",
        on_delete=models.CASCADE,
        related_name="inbound_addresses",
        verbose_name=_("klient"),
    )
    local_part = models.CharField(_("adress"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    replaced_at = models.DateTimeField(_("ersatt"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ersatt av"),
    )

    class Meta:
        verbose_name = _("e-postadress för underlag")
        verbose_name_plural = _("e-postadresser för underlag")
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(replaced_at__isnull=True),
                name="inbound_one_active_address_per_client",
            )
        ]

    def __str__(self):
        return self.email

    @property
    def email(self) -> str:
        return f"{self.local_part}@{settings.INBOUND_EMAIL_DOMAIN}"


class TrustKind(models.TextChoices):
    SENDER = "sender", _("Avsändare")
    DOMAIN = "domain", _("Domän")


class TrustedSender(models.Model):
    """An address or a whole domain whose mail to one client goes straight in."""

    client = models.ForeignKey(
        "clients.ClientCompany",
        on_delete=models.CASCADE,
        related_name="trusted_senders",
        verbose_name=_("klient"),
    )
    kind = models.CharField(_("typ"), max_length=10, choices=TrustKind.choices)
    value = models.CharField(_("adress eller domän"), max_length=254)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("tillagd av"),
    )
    added_at = models.DateTimeField(_("tillagd"), auto_now_add=True)

    class Meta:
        verbose_name = _("betrodd avsändare")
        verbose_name_plural = _("betrodda avsändare")
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "kind", "value"], name="inbound_trust_unique_per_client"
            )
        ]

    def __str__(self):
        return self.value


class Outcome(models.TextChoices):
    RECEIVED = "received", _("Tas emot")
    ACCEPTED = "accepted", _("Mottaget")
    QUARANTINED = "quarantined", _("Väntar på godkännande")
    REJECTED = "rejected", _("Avvisat")


class Reason(models.TextChoices):
    """Why a message got its outcome; the parameters (sizes, counts) are in ``details``."""

    # accepted
    CLIENT_USER = "client_user", _("Från en av klientens användare")
    TRUSTED_SENDER = "trusted_sender", _("Från en betrodd avsändare")
    TRUSTED_DOMAIN = "trusted_domain", _("Från en betrodd domän")
    APPROVED = "approved", _("Godkänt av byrån")
    # quarantined
    UNKNOWN_SENDER = "unknown_sender", _("Okänd avsändare")
    AUTHENTICATION_FAILED = "auth_failed", _("Avsändaren kunde inte styrkas (SPF/DKIM/DMARC)")
    SPAM = "spam", _("Bedömt som skräppost")
    # rejected
    UNKNOWN_ADDRESS = "unknown_address", _("Okänd adress")
    ADDRESS_REPLACED = "address_replaced", _("Adressen är ersatt av en ny")
    TOO_LARGE = "too_large", _("Mejlet är för stort")
    TOO_MANY_ATTACHMENTS = "too_many_attachments", _("För många bilagor")
    DAILY_LIMIT = "daily_limit", _("Dagens gräns för mejl till klienten är nådd")
    BROKEN_MIME = "broken_mime", _("Mejlet gick inte att läsa")
    NO_ACCEPTED_FILES = "no_accepted_files", _("Ingen bilaga kunde tas emot")
    REJECTED_BY_FIRM = "rejected_by_firm", _("Avvisat av byrån")
    SENDER_ERASED = "sender_erased", _("Avsändarens personuppgifter är raderade")


class ReplyStatus(models.TextChoices):
    NONE = "", _("Inget svar")
    PENDING = "pending", _("Svar väntar")
    SENDING = "sending", _("Svar skickas")
    SENT = "sent", _("Svar skickat")
    FAILED = "failed", _("Svaret kunde inte skickas")
    AUTOMATIC = "automatic", _("Inget svar: automatiskt mejl")
    LIMITED = "limited", _("Inget svar: gränsen för svar till avsändaren är nådd")


def raw_message_upload_to(message, filename):
    return f"inkommet/{message.token}.eml"


class InboundMessage(models.Model):
    """One message to one of our addresses, from the moment it arrived; never deleted silently.

    ``raw`` holds the message as received until it reaches a final outcome (kept while it
    waits in quarantine). ``dedup_key`` (a hash of the Message-ID, else of the content) with
    the recipient makes a provider's retry the same row.
    """

    client = models.ForeignKey(
        "clients.ClientCompany",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("klient"),
    )
    address = models.ForeignKey(
        InboundAddress,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("adress"),
    )
    recipient = models.CharField(_("mottagare"), max_length=320)
    sender = models.CharField(_("avsändare"), max_length=320, blank=True)
    sender_name = models.CharField(_("avsändarens namn"), max_length=200, blank=True)
    subject = models.CharField(_("ämne"), max_length=1000, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=998, blank=True)
    dedup_key = models.CharField(max_length=64, editable=False)
    token = models.CharField(max_length=64, editable=False)
    channel = models.CharField(_("kanal"), max_length=40)
    size = models.PositiveIntegerField(_("storlek"), default=0)
    raw = models.FileField(_("mejlet"), upload_to=raw_message_upload_to, blank=True)
    # What the receiving side said: {"spam": bool|None, "spam_score": float|None}
    provider_verdicts = models.JSONField(default=dict, blank=True)
    automatic = models.BooleanField(_("automatiskt mejl"), default=False)
    received_at = models.DateTimeField(_("mottaget"), auto_now_add=True)
    outcome = models.CharField(
        _("utfall"), max_length=12, choices=Outcome.choices, default=Outcome.RECEIVED
    )
    reason = models.CharField(_("orsak"), max_length=24, choices=Reason.choices, blank=True)
    details = models.JSONField(_("detaljer"), default=dict, blank=True)
    processed_at = models.DateTimeField(_("behandlat"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beslutat av"),
    )
    decided_at = models.DateTimeField(_("beslutat"), null=True, blank=True)
    documents = models.ManyToManyField(
        "documents.Document", blank=True, related_name="+", verbose_name=_("underlag")
    )
    reply_status = models.CharField(
        _("svar"), max_length=10, choices=ReplyStatus.choices, blank=True, default=""
    )
    reply_sent_at = models.DateTimeField(_("svar skickat"), null=True, blank=True)

    class Meta:
        verbose_name = _("inkommande mejl")
        verbose_name_plural = _("inkommande mejl")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedup_key"], name="inbound_message_once_per_recipient"
            )
        ]
        indexes = [
            models.Index(fields=["client", "-received_at"], name="inbound_client_received_idx"),
            models.Index(fields=["outcome", "received_at"], name="inbound_outcome_idx"),
            models.Index(fields=["sender", "reply_sent_at"], name="inbound_sender_reply_idx"),
        ]

    def __str__(self):
        return self.subject or self.sender or str(self.pk)

    @property
    def sender_domain(self) -> str:
        return self.sender.rpartition("@")[2]


class FirmInboundSettings(models.Model):
    """A firm's choices about e-mailed underlag."""

    firm = models.OneToOneField(
        "bureau.Firm",
        on_delete=models.CASCADE,
        related_name="inbound_settings",
        verbose_name=_("byrå"),
    )
    auto_reply = models.BooleanField(
        _("svara avsändaren"),
        default=False,
        help_text=_(
            "Ett kort svar till den som mejlat: hur många filer som togs emot, eller varför inte."
        ),
    )

    class Meta:
        verbose_name = _("inställningar för e-post")
        verbose_name_plural = _("inställningar för e-post")

    def __str__(self):
        return str(self.firm)
