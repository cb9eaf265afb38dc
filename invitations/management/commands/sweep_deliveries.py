from django.core.management.base import BaseCommand
from django.utils import timezone

from invitations.delivery import sweep_deliveries
from invitations.delivery.tasks import dispatch_deliveries


class Command(BaseCommand):
    help = (
        "Queues again the deliveries left pending (a lost enqueue, a broker outage) and "
        "reclaims those stuck in sending (a dead worker). Celery beat runs the same each minute."
    )

    def handle(self, *args, **options):
        result = sweep_deliveries(now=timezone.now())
        if result.requeue_ids:
            dispatch_deliveries.apply_async((result.requeue_ids,), retry=False)
        self.stdout.write(
            f"köade igen: {len(result.requeue_ids)}; e-post tillbaka från en stannad arbetare: "
            f"{result.reclaimed_email}; e-post misslyckad efter sista försöket: "
            f"{result.failed_email}; SMS med okänt utfall: {result.unknown_sms}"
        )
