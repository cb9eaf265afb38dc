"""Provider feedback on sent messages: anymail's tracking webhooks and Twilio's callbacks.

Both only translate the provider's words into ``reports.record_provider_event``; a request
that cannot prove it comes from the provider changes nothing. Each names its delivery by id
(the e-mail's anymail metadata; the SMS's status callback URL, which Twilio signs), so a
report that arrives before the worker has recorded the provider's id still finds it.

anymail's own views (under /webhooks/anymail/) check its basic-auth secret and send the
``tracking`` signal; the receiver below is connected when this module is imported, which
``urls`` does, so it is in place before any webhook request is resolved.
"""

import logging

from anymail.signals import AnymailTrackingEvent, EventType, tracking
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from ..models import Channel
from .reports import record_provider_event

logger = logging.getLogger("invitations.webhooks")

_ANYMAIL_EVENTS = {
    EventType.QUEUED: "sent",
    EventType.SENT: "sent",
    EventType.DELIVERED: "delivered",
    EventType.BOUNCED: "bounced",
    EventType.REJECTED: "bounced",
    EventType.FAILED: "failed",
    EventType.COMPLAINED: "complained",
}

_TWILIO_STATUSES = {
    "queued": "sent",
    "sending": "sent",
    "sent": "sent",
    "delivered": "delivered",
    "undelivered": "failed",
    "failed": "failed",
}


@receiver(tracking, dispatch_uid="invitations.webhooks.email_tracking")
def email_tracking(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs):
    """An e-mail provider reports delivered, bounced, rejected, failed or complained."""
    kind = _ANYMAIL_EVENTS.get(event.event_type)
    delivery_id = _delivery_id(event.metadata)
    if kind is None or (delivery_id is None and not event.message_id):
        return
    if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
        # Without the shared secret anymail accepts anyone's post (with a warning): a
        # stranger could mark deliveries bounced. Such reports are not believed.
        logger.warning(
            "%s tracking event ignored: ANYMAIL_WEBHOOK_SECRET is not set",
            esp_name,
            extra={"esp": esp_name, "provider_message_id": event.message_id},
        )
        return
    detail = event.description or event.mta_response or event.reject_reason or ""
    record_provider_event(
        channel=Channel.EMAIL,
        delivery_id=delivery_id,
        provider_message_id=event.message_id or "",
        event=kind,
        detail=f"{esp_name}: {detail}".strip(": ") if detail else "",
        now=event.timestamp,
    )


def _delivery_id(metadata) -> int | None:
    """The delivery id that ``messages.invitation_email`` attached, if the provider echoed it."""
    try:
        return int((metadata or {}).get("delivery_id"))
    except (TypeError, ValueError):
        return None


def _twilio_signature_is_valid(request) -> bool:
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    # Twilio signs the address it called: the public one, not what a proxy passed on.
    url = settings.SITE_URL + request.get_full_path()
    return RequestValidator(token).validate(url, request.POST.dict(), signature)


@csrf_exempt
@login_not_required
@require_POST
def twilio_status(request, delivery_id: int | None = None):
    """Twilio's status callback for an SMS: queued, sent, delivered, undelivered or failed.

    ``delivery_id`` comes from the URL that Twilio signed, so it is as trusted as the rest of
    the report; the old address without it (messages sent before) matches by MessageSid.
    """
    if not _twilio_signature_is_valid(request):
        logger.warning(
            "twilio status callback refused: bad or missing signature",
            extra={"remote_addr": request.META.get("REMOTE_ADDR")},
        )
        return HttpResponseForbidden("Ogiltig signatur")
    status = request.POST.get("MessageStatus", "")
    kind = _TWILIO_STATUSES.get(status)
    if kind is not None:
        error_code = request.POST.get("ErrorCode", "")
        record_provider_event(
            channel=Channel.SMS,
            delivery_id=delivery_id,
            provider_message_id=request.POST.get("MessageSid", ""),
            event=kind,
            # Twilio's own words and error number, in no language of ours.
            detail=f"Twilio {status}" + (f" ({error_code})" if error_code else ""),
        )
    return HttpResponse(status=204)
