from celery import shared_task
from django.core.management import call_command


@shared_task
def clear_expired_sessions():
    """Deletes expired sessions: the wizard's drafts in them hold names, e-mails and mobiles."""
    call_command("clearsessions")
