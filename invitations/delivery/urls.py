"""The providers' webhooks, mounted under /webhooks/ (config.urls)."""

from anymail import urls as anymail_urls
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from . import webhooks

app_name = "webhooks"

# A provider's call carries no session: anymail's views check their own basic-auth secret
# (ANYMAIL_WEBHOOK_SECRET) instead, so the login requirement must not send them to login.
for _pattern in anymail_urls.urlpatterns:
    login_not_required(_pattern.callback)

urlpatterns = [
    # e.g. /webhooks/anymail/postmark/tracking/; the events reach ``webhooks.email_tracking``.
    path("anymail/", include(anymail_urls)),
    path(
        "twilio/status/<int:delivery_id>/",
        webhooks.twilio_status,
        name="twilio-delivery-status",
    ),
    # Callbacks of messages sent before the delivery's id was part of the address.
    path("twilio/status/", webhooks.twilio_status, name="twilio-status"),
]
