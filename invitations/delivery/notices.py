"""The notice to the inviting accountant that a lapsed link's holder asked for a new one."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from ..models import Invitation


def notify_accountant_of_renewal(*, invitation_id: int) -> None:
    """E-mails the accountant who sent ``invitation_id`` that its holder asked for a new
    link: in the accountant's language, with the address of the invitation's page. Sends
    nothing when the accountant has no e-mail address."""
    invitation = Invitation.objects.select_related("user", "client", "invited_by").get(
        pk=invitation_id
    )
    accountant = invitation.invited_by
    if not accountant.email:
        return
    detail_url = settings.SITE_URL + reverse("invitations:detail", kwargs={"pk": invitation.pk})
    with translation.override(accountant.language):
        subject = gettext("%(user)s vill ha en ny inbjudningslänk") % {
            "user": invitation.user.get_full_name()
        }
        body = render_to_string(
            "invitations/email/renewal_requested.txt",
            {"invitation": invitation, "accountant": accountant, "detail_url": detail_url},
        )
    send_mail(subject, body, None, [accountant.email])
