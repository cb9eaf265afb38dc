"""`manage.py inbound_addresses [--user USERNAME]`: each client's address, made if missing."""

from django.core.management.base import BaseCommand

from clients.models import ClientCompany
from inbound.services.addresses import address_for


class Command(BaseCommand):
    help = "Prints the inbound e-mail address of client companies (of one client user's)."

    def add_arguments(self, parser):
        parser.add_argument("--user", help="only the client companies of this client user")

    def handle(self, *args, user=None, **options):
        clients = ClientCompany.objects.order_by("firm_id", "name", "id")
        if user:
            clients = clients.filter(memberships__user__username=user)
        for client in clients:
            self.stdout.write(f"{address_for(client=client).email}\t{client.name}")
