"""Sending one SMS: through the official Twilio SDK, or to the local outbox without credentials.

``TWILIO_API_BASE_URL`` lets tests and staging point the SDK at a local server that
speaks Twilio's Messages API; production leaves it at Twilio's own address.

Twilio's POST is not idempotent, so a failure is sorted by what it says about the message:
``SmsNotSent`` (the request surely never left, or Twilio refused it with 429: safe to try
again), ``SmsRejected`` (Twilio refused it for good, e.g. an invalid number) and
``SmsOutcomeUnknown`` (it may have left: a timeout, a dropped connection or a 5xx).
"""

import threading
from dataclasses import dataclass

import requests
import urllib3
from django.conf import settings
from django.urls import reverse
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from ..models import DeliveryError
from . import outbox

TWILIO_API = "https://api.twilio.com"


class SmsError(Exception):
    """``reason`` is what Twilio or the HTTP library said; ``code`` (a ``DeliveryError``)
    what the portal makes of it, put into words when shown."""

    def __init__(
        self,
        reason: str,
        *,
        code: str = DeliveryError.PROVIDER,
        retry_after: float | None = None,
    ):
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.retry_after = retry_after


class SmsNotSent(SmsError):
    """The message surely did not leave; sending it again cannot make a duplicate."""


class SmsRejected(SmsError):
    """Twilio refused the message for good."""


class SmsOutcomeUnknown(SmsError):
    """The message may have left; only an operator (or Twilio's console) can tell."""


class RedirectingHttpClient(TwilioHttpClient):
    """Twilio's HTTP client, sending to ``base_url`` instead of api.twilio.com.

    It also keeps the last response, whose headers (Retry-After) the SDK's exceptions drop.
    """

    def __init__(self, *, base_url: str, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        self.last_response = None

    def request(self, method, url, *args, **kwargs):
        if self.base_url != TWILIO_API and url.startswith(TWILIO_API):
            url = self.base_url + url[len(TWILIO_API) :]
        self.last_response = None
        self.last_response = super().request(method, url, *args, **kwargs)
        return self.last_response


@dataclass(frozen=True)
class SentSms:
    provider_message_id: str


def twilio_is_configured() -> bool:
    return bool(settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN)


def status_callback_url(*, delivery_id: int) -> str:
    """Where Twilio reports on the message; the delivery's id is part of the signed URL, so
    a report finds its delivery even before the worker has recorded Twilio's SID."""
    return settings.SITE_URL + reverse("webhooks:twilio-delivery-status", args=[delivery_id])


_local = threading.local()


def twilio_client() -> Client:
    """This thread's Twilio client, made once per thread of the worker process (and per
    configuration): its HTTP session keeps the connection to Twilio open from one message
    to the next.

    A prefork worker makes them in each child after the fork, so no connection is shared
    between processes; a chunk's sending threads have one each, since an HTTP session is
    not to be shared between threads.
    """
    key = (
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_AUTH_TOKEN,
        settings.TWILIO_API_BASE_URL,
        settings.TWILIO_TIMEOUT,
    )
    clients = _local.__dict__.setdefault("clients", {})
    client = clients.get(key)
    if client is None:
        http_client = RedirectingHttpClient(
            base_url=settings.TWILIO_API_BASE_URL, timeout=settings.TWILIO_TIMEOUT
        )
        client = Client(key[0], key[1], http_client=http_client)
        clients.clear()
        clients[key] = client
    return client


def _sender() -> dict:
    if settings.TWILIO_FROM:
        return {"from_": settings.TWILIO_FROM}
    return {"messaging_service_sid": settings.TWILIO_MESSAGING_SERVICE_SID}


def _never_connected(error: requests.ConnectionError) -> bool:
    """True when the connection was never made (refused, DNS, connect timeout)."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    reason = error.args[0] if error.args else None
    reason = getattr(reason, "reason", reason)  # urllib3's MaxRetryError wraps the cause
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def _retry_after(client: Client) -> float | None:
    response = getattr(client.http_client, "last_response", None)
    value = response.headers.get("Retry-After") if response is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def send_sms(*, to: str, body: str, delivery_id: int) -> SentSms:
    """Sends one SMS and returns the provider's message id; raises an ``SmsError``.

    Twilio's status callbacks for it come to ``status_callback_url(delivery_id=...)``.
    """
    if not twilio_is_configured():
        sender = settings.TWILIO_FROM or settings.TWILIO_MESSAGING_SERVICE_SID or "Byråportalen"
        return SentSms(provider_message_id=outbox.write_sms(to=to, body=body, sender=sender))
    client = twilio_client()
    try:
        message = client.messages.create(
            to=to,
            body=body,
            status_callback=status_callback_url(delivery_id=delivery_id),
            **_sender(),
        )
    except TwilioRestException as error:
        reason = f"Twilio {error.status}" + (f" ({error.code})" if error.code else "")
        reason += f": {error.msg}" if error.msg else ""
        if error.status == 429:
            raise SmsNotSent(reason, retry_after=_retry_after(client)) from error
        if error.status >= 500:
            raise SmsOutcomeUnknown(reason) from error
        raise SmsRejected(reason) from error
    except requests.ConnectionError as error:
        if _never_connected(error):
            raise SmsNotSent(f"Twilio: {error}", code=DeliveryError.NO_CONNECTION) from error
        raise SmsOutcomeUnknown(
            f"Twilio: {error}", code=DeliveryError.CONNECTION_DROPPED
        ) from error
    except requests.Timeout as error:
        raise SmsOutcomeUnknown(f"Twilio: {error}", code=DeliveryError.TIMEOUT) from error
    except requests.RequestException as error:
        raise SmsOutcomeUnknown(f"{type(error).__name__}: {error}") from error
    return SentSms(provider_message_id=message.sid)
