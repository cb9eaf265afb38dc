from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from privacy.services import erase_client_user


class Command(BaseCommand):
    help = (
        "Anonymises one client user (GDPR art. 17): the audit trail keeps its shape, underlag "
        "older than PERSONAL_DATA_DOCUMENT_RETENTION_YEARS are deleted. Cannot be undone."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--yes", action="store_true", help="Do it; without this, only say what would happen."
        )

    def handle(self, *args, username, yes=False, **options):
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not yes:
            self.stdout.write(
                f"Would erase user {user.pk} ({user.username}). Run again with --yes to do it."
            )
            return
        try:
            erasure = erase_client_user(user=user, now=timezone.now())
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"Erased user {erasure.user_id}: {erasure.invitations_revoked} invitation(s) revoked, "
            f"{erasure.deliveries_cleared} delivery(ies) cleared, "
            f"{erasure.documents_deleted} document(s) past retention deleted, "
            f"{erasure.documents_kept} kept, "
            f"{erasure.inbound_mails_cleared} inbound mail(s) cleared."
        )
