from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organisation_numbers import validate_org_number


class Firm(models.Model):
    """An accounting firm (byrå): the tenant. Nothing of one firm is ever shown to another."""

    name = models.CharField(_("namn"), max_length=200)
    org_number = models.CharField(
        _("organisationsnummer"), max_length=11, unique=True, validators=[validate_org_number]
    )
    reply_to_email = models.EmailField(
        _("svarsadress för inbjudningar"),
        blank=True,
        help_text=_("Svar på inbjudningsmejl går hit. Tomt: den inbjudande konsultens e-post."),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("byrå")
        verbose_name_plural = _("byråer")
        ordering = ["name"]

    def __str__(self):
        return self.name


class FirmRole(models.TextChoices):
    MEMBER = "member", _("Konsult")
    ADMIN = "admin", _("Byråadministratör")


class FirmMembership(models.Model):
    """Makes a user an accountant (konsult) at one firm."""

    firm = models.ForeignKey(
        Firm, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("byrå")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="firm_membership",
        verbose_name=_("konsult"),
    )
    role = models.CharField(
        _("roll"), max_length=10, choices=FirmRole.choices, default=FirmRole.MEMBER
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("konsult")
        verbose_name_plural = _("konsulter")

    def __str__(self):
        return f"{self.user} ({self.firm})"

    @property
    def is_firm_admin(self) -> bool:
        return self.role == FirmRole.ADMIN
