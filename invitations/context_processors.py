def sms(request):
    """Whether invitations go by SMS too (SMS_ENABLED), for the wizard's pages."""
    from django.conf import settings

    return {"sms_enabled": settings.SMS_ENABLED}
