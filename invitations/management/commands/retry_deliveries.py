from django.core.management.base import BaseCommand, CommandError

from invitations.delivery import retry_deliveries
from invitations.models import Delivery, DeliveryStatus


class Command(BaseCommand):
    help = (
        "Gives failed (--failed) or unknown-outcome (--unknown) deliveries a fresh set of "
        "attempts and queues them. For an unknown SMS, first check in Twilio's console that "
        "it never left: a retry may send it twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--failed", action="store_true", help="retry failed deliveries")
        parser.add_argument("--unknown", action="store_true", help="retry unknown deliveries")
        parser.add_argument("--channel", choices=["email", "sms"], help="only this channel")
        parser.add_argument("--id", type=int, action="append", dest="ids", help="only these ids")

    def handle(self, *args, failed, unknown, channel, ids, **options):
        statuses = [
            s
            for s, wanted in ((DeliveryStatus.FAILED, failed), (DeliveryStatus.UNKNOWN, unknown))
            if wanted
        ]
        if not statuses:
            raise CommandError("Välj vilka: --failed, --unknown eller båda.")
        deliveries = Delivery.objects.filter(status__in=statuses)
        if channel:
            deliveries = deliveries.filter(channel=channel)
        if ids:
            deliveries = deliveries.filter(pk__in=ids)
        retried = retry_deliveries(deliveries=deliveries)
        self.stdout.write(f"köade igen: {len(retried)}")
