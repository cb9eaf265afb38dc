from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .accepted_files import EXTENSIONS


class DocumentStatus(models.TextChoices):
    RECEIVED = "received", _("Mottaget")
    HANDLED = "handled", _("Hanterat")


class DocumentOrigin(models.TextChoices):
    UPLOAD = "upload", _("Uppladdat")
    EMAIL = "email", _("E-post")


def document_upload_to(document, filename):
    # The stored name is not the uploaded one: it never leaks into a URL and never collides,
    # and its extension is that of the type found in the content, never the sender's.
    extension = EXTENSIONS.get(document.content_type, "")
    return f"underlag/{document.client_id}/{document.stored_token}{extension}"


class Document(models.Model):
    """An underlag (receipt, supplier invoice) a client user sent to the firm."""

    client = models.ForeignKey(
        "clients.ClientCompany",
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("klient"),
    )
    # The firm's record outlives the person: deleting a user keeps what they sent (the client
    # company's bookkeeping), without the sender. Erasing one (privacy.services) keeps the row.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("inskickat av"),
    )
    file = models.FileField(_("fil"), upload_to=document_upload_to)
    stored_token = models.CharField(max_length=64, editable=False)
    original_name = models.CharField(_("filnamn"), max_length=255)
    content_type = models.CharField(_("filtyp"), max_length=100)
    size = models.PositiveIntegerField(_("storlek"))
    comment = models.CharField(_("kommentar"), max_length=1000, blank=True)
    # How it came: uploaded in the portal, or e-mailed to the client's address (inbound),
    # then with the sender's address, whoever that was.
    origin = models.CharField(
        _("ursprung"), max_length=10, choices=DocumentOrigin.choices, default=DocumentOrigin.UPLOAD
    )
    origin_address = models.CharField(_("avsändaradress"), max_length=320, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DocumentStatus.choices,
        default=DocumentStatus.RECEIVED,
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hanterat av"),
    )
    handled_at = models.DateTimeField(_("hanterat"), null=True, blank=True)
    created_at = models.DateTimeField(_("inskickat"), auto_now_add=True)
    # The id the client's app gave the file on the phone: a retried or repeated send of the
    # same file finds this row instead of making a second one. Empty for plain form posts.
    upload_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("underlag")
        verbose_name_plural = _("underlag")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "-created_at"], name="document_client_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["uploaded_by", "upload_id"], name="document_upload_id_once_per_user"
            )
        ]

    def __str__(self):
        return self.original_name
