import secrets

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.services import seed_demo_firm


class Command(BaseCommand):
    help = (
        "Loads the demo firm: accountants demo and demo2, 200 client companies, some with "
        "client users. Idempotent. Without --password a new password is generated and printed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password of demo, demo2 and the client users.")

    def handle(self, *args, password=None, **options):
        password = password or secrets.token_urlsafe(12)
        result = seed_demo_firm(password=password)
        self.stdout.write(
            f"Demobyrån: {result.firm.name} ({result.firm.org_number}); "
            f"{result.created_clients} nya klienter, {result.created_rights} nya behörigheter, "
            f"{result.created_client_users} nya klientanvändare."
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Logga in på {settings.SITE_URL}/ som demo med lösenordet {password}"
            )
        )
        self.stdout.write(
            "(demo2 och klientanvändarna demo.klient1 … demo.klient30 har samma lösenord.)"
        )
