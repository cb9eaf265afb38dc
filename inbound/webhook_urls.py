"""Mounted under /webhooks/ (config.urls): the configured provider's inbound webhook only."""

from django.conf import settings

from .webhooks import inbound_urlpatterns

app_name = "inbound_webhooks"

urlpatterns = inbound_urlpatterns(settings.ANYMAIL_ESP)
