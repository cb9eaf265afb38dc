"""The invitation e-mail and SMS, rendered in the invited user's language.

Only the rendering lives here; ``sending`` decides when and how often they go.
The e-mail goes through Django's mail API, so settings alone choose SMTP or an anymail
provider.
"""

from dataclasses import dataclass
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from ..links import invitation_link
from ..models import Delivery, DeliveryPurpose, Invitation


def message_language(invitation: Invitation) -> str:
    """The user's language when it is one the portal speaks; Swedish otherwise."""
    codes = {code for code, _name in settings.LANGUAGES}
    language = invitation.user.language
    return language if language in codes else settings.LANGUAGE_CODE


def reply_to_address(invitation: Invitation) -> str:
    """Replies go to the firm: its reply-to address, else the inviting accountant."""
    firm = invitation.client.firm
    return firm.reply_to_email or invitation.invited_by.email


def _context(delivery: Delivery) -> dict:
    invitation = delivery.invitation
    return {
        "invitation": invitation,
        "user": invitation.user,
        "client": invitation.client,
        "firm": invitation.client.firm,
        "inviter": invitation.invited_by,
        "link": invitation_link(invitation),
        "expires_at": invitation.expires_at,
        "is_reminder": delivery.purpose == DeliveryPurpose.REMINDER,
        "app_store_url": settings.APP_STORE_URL,
        "google_play_url": settings.GOOGLE_PLAY_URL,
        "site_url": settings.SITE_URL,
    }


def _subject(context: dict) -> str:
    firm = context["firm"].name
    if settings.INVITATION_EMAIL_SUBJECT:
        subject = settings.INVITATION_EMAIL_SUBJECT.replace("{firm}", firm)
    else:
        subject = gettext("%(firm)s har bjudit in dig till Byråportalen") % {"firm": firm}
    if context["is_reminder"]:
        subject = gettext("Påminnelse: %(subject)s") % {"subject": subject}
    return subject


def invitation_email(delivery: Delivery) -> EmailMultiAlternatives:
    """The e-mail of ``delivery`` (invitation or reminder), plain text with an HTML part.

    It carries its own Message-ID, so that the delivery can record it as the provider's id
    when plain SMTP is used, and the delivery's id as anymail metadata, which providers echo
    in their tracking reports (``webhooks.email_tracking`` matches by it).
    """
    invitation = delivery.invitation
    with translation.override(message_language(invitation)):
        context = _context(delivery)
        subject = _subject(context)
        text = render_to_string("invitations/email/invitation.txt", context)
        html = render_to_string("invitations/email/invitation.html", context)
    domain = urlsplit(settings.SITE_URL).hostname
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.recipient],
        reply_to=[address] if (address := reply_to_address(invitation)) else [],
        headers={"Message-ID": make_msgid(domain=domain or None)},
    )
    message.attach_alternative(html, "text/html")
    message.metadata = {"delivery_id": str(delivery.pk)}
    return message


@dataclass(frozen=True)
class Sms:
    to: str
    body: str


def invitation_sms(delivery: Delivery) -> Sms:
    """The SMS of ``delivery``: a short text naming the firm, with the personal link."""
    invitation = delivery.invitation
    with translation.override(message_language(invitation)):
        body = render_to_string("invitations/sms/invitation.txt", _context(delivery))
    return Sms(to=delivery.recipient, body=" ".join(body.split()))
