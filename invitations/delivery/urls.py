"""The providers' webhooks, mounted under /webhooks/ (config.urls)."""

from django.conf import settings
from django.urls import path

from operations.provider_webhooks import provider_webhook_urlpatterns

from . import webhooks

app_name = "webhooks"

urlpatterns = [
    # The configured provider's tracking webhook only (e.g. /webhooks/anymail/postmark/tracking/;
    # anymail's view checks its basic-auth secret, ANYMAIL_WEBHOOK_SECRET): every other
    # provider's address answers 404. The events reach ``webhooks.email_tracking``.
    *provider_webhook_urlpatterns(settings.ANYMAIL_ESP, "tracking"),
    path(
        "twilio/status/<int:delivery_id>/",
        webhooks.twilio_status,
        name="twilio-delivery-status",
    ),
    # Callbacks of messages sent before the delivery's id was part of the address.
    path("twilio/status/", webhooks.twilio_status, name="twilio-status"),
]
