"""Deploy checks: an installation that would promise messages it cannot send says so."""

from django.conf import settings
from django.core import checks

from .delivery.sms import twilio_is_configured


@checks.register(checks.Tags.compatibility, deploy=True)
def sms_provider_is_configured(app_configs, **kwargs):
    if not settings.SMS_ENABLED:
        return []
    if not twilio_is_configured():
        return [
            checks.Warning(
                "SMS invitations go to the local outbox (SMS_OUTBOX_DIR), not to phones.",
                hint="Set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, and TWILIO_FROM or "
                "TWILIO_MESSAGING_SERVICE_SID.",
                id="invitations.W001",
            )
        ]
    if not (settings.TWILIO_FROM or settings.TWILIO_MESSAGING_SERVICE_SID):
        return [
            checks.Error(
                "Twilio has credentials but no sender.",
                hint="Set TWILIO_FROM (a number in E.164) or TWILIO_MESSAGING_SERVICE_SID.",
                id="invitations.E001",
            )
        ]
    return []
