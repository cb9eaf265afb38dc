"""Mail from a provider: anymail's inbound webhook for the configured ANYMAIL_ESP only.

anymail's own view checks the basic-auth secret (ANYMAIL_WEBHOOK_SECRET), parses the
provider's payload into an ``AnymailInboundMessage`` and sends the ``inbound`` signal; the
receiver below records the message and queues its processing (``services.receive_message``),
so the provider gets its answer at once and the heavy work happens in a worker.
"""

import logging

from anymail.signals import AnymailInboundEvent, inbound
from anymail.utils import get_request_basic_auth
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseForbidden
from django.urls import URLPattern
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt

from bureau.request_values import declared_length
from operations.provider_webhooks import provider_webhook_urlpatterns

from .models import Reason
from .services.receiving import receive_message, refuse_unreadable_delivery

logger = logging.getLogger("inbound.webhooks")

# A provider's payload carries the message encoded (base64 in JSON or form fields): up to
# about 4/3 of its size and some more. Larger posts are recorded as refused unread.
_PAYLOAD_FACTOR = 2


@receiver(inbound, dispatch_uid="inbound.webhooks.email_inbound")
def email_inbound(sender, event: AnymailInboundEvent, esp_name: str, **kwargs):
    """A provider delivers one message to one of our addresses."""
    if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
        # Without the shared secret anymail takes anyone's post: a stranger could hand us
        # mail "from" a client user that no provider ever checked. Such posts are not believed.
        logger.warning("%s inbound message ignored: ANYMAIL_WEBHOOK_SECRET is not set", esp_name)
        return
    message = event.message
    try:
        raw = message.as_bytes()
    except (ValueError, TypeError, LookupError, IndexError, AttributeError):
        refuse_unreadable_delivery(channel=esp_name, size=0, reason=Reason.BROKEN_MIME)
        return
    receive_message(
        raw=raw,
        channel=esp_name,
        envelope_recipients=[message.envelope_recipient] if message.envelope_recipient else None,
        envelope_sender=message.envelope_sender,
        provider_verdicts={"spam": message.spam_detected, "spam_score": message.spam_score},
    )


def _secret_matches(request) -> bool:
    secret = settings.ANYMAIL.get("WEBHOOK_SECRET")
    given = get_request_basic_auth(request)
    return bool(secret and given and constant_time_compare(given, secret))


def _guarded(view, esp_name: str):
    """anymail's view, after the size checks that its reading of the post would turn into
    a bare 400 (and the message into nothing): an oversized post is recorded as refused."""

    @csrf_exempt
    @login_not_required
    def guarded(request, *args, **kwargs):
        length = declared_length(request.META) if request.method == "POST" else 0
        ceiling = settings.INBOUND_MAX_MESSAGE_BYTES * _PAYLOAD_FACTOR
        if length > ceiling or length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            if not _secret_matches(request):
                return HttpResponseForbidden()
            if length > ceiling:
                refuse_unreadable_delivery(channel=esp_name, size=length, reason=Reason.TOO_LARGE)
                return HttpResponse(status=200)
            # Read here, within the inbound ceiling rather than the upload limit, so that
            # anymail's parsing finds the body already read.
            request._body = request.read()
        try:
            return view(request, *args, **kwargs)
        except RequestDataTooBig:
            refuse_unreadable_delivery(channel=esp_name, size=length, reason=Reason.TOO_LARGE)
            return HttpResponse(status=200)

    return guarded


def inbound_urlpatterns(esp_name: str) -> list[URLPattern]:
    """The inbound webhook URL of one provider (e.g. /webhooks/anymail/postmark/inbound/),
    none for a provider without one or when no provider is configured."""
    return provider_webhook_urlpatterns(esp_name, "inbound", wrap=_guarded)
