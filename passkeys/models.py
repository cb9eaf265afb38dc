from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Passkey(models.Model):
    """A WebAuthn credential a user signs in with instead of the password: the phone's lock,
    Face ID, a fingerprint. Only the public key is stored; the private key never leaves the
    user's device."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="passkeys",
        verbose_name=_("användare"),
    )
    name = models.CharField(_("namn"), max_length=100)
    # base64url, as the browser names it; unique across users, as the authenticator made it.
    credential_id = models.CharField(max_length=1400, unique=True)
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    backed_up = models.BooleanField(_("synkad"), default=False)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True)

    class Meta:
        verbose_name = _("passnyckel")
        verbose_name_plural = _("passnycklar")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.name
