from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bureau.organisation_numbers import validate_org_number


class ClientCompany(models.Model):
    """A client company (klientföretag) of one firm."""

    firm = models.ForeignKey(
        "bureau.Firm",
        on_delete=models.CASCADE,
        related_name="clients",
        verbose_name=_("byrå"),
    )
    name = models.CharField(_("namn"), max_length=200)
    org_number = models.CharField(
        _("organisationsnummer"),
        max_length=11,
        validators=[validate_org_number],
        help_text=_("NNNNNN-NNNN"),
    )
    customer_number = models.CharField(_("kundnummer"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("klientföretag")
        verbose_name_plural = _("klientföretag")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "org_number"], name="client_org_number_unique_per_firm"
            ),
            models.UniqueConstraint(
                fields=["firm", "customer_number"],
                condition=~models.Q(customer_number=""),
                name="client_customer_number_unique_per_firm",
            ),
        ]
        indexes = [models.Index(fields=["firm", "name"], name="client_firm_name_idx")]

    def __str__(self):
        return f"{self.name} ({self.org_number})"


class ClientRight(models.Model):
    """What one accountant may do on one client company.

    The system-administrator flag (systemadministratör) is what allows creating and inviting
    the client's own users.
    """

    accountant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="client_rights",
        verbose_name=_("konsult"),
    )
    client = models.ForeignKey(
        ClientCompany,
        on_delete=models.CASCADE,
        related_name="rights",
        verbose_name=_("klient"),
    )
    is_system_admin = models.BooleanField(_("systemadministratör"), default=False)

    class Meta:
        verbose_name = _("behörighet på klient")
        verbose_name_plural = _("behörigheter på klienter")
        constraints = [
            models.UniqueConstraint(
                fields=["accountant", "client"], name="client_right_unique_per_accountant"
            )
        ]

    def __str__(self):
        return f"{self.accountant} → {self.client.name}"


class ClientMembership(models.Model):
    """Makes a user one of the client company's own users (klientanvändare)."""

    client = models.ForeignKey(
        ClientCompany,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("klient"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="client_memberships",
        verbose_name=_("användare"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("klientanvändare")
        verbose_name_plural = _("klientanvändare")
        constraints = [
            models.UniqueConstraint(fields=["client", "user"], name="client_membership_unique")
        ]

    def __str__(self):
        return f"{self.user} @ {self.client.name}"
