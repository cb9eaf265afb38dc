from django.core.management.base import BaseCommand
from django.db.models import Count, Min
from django.utils import timezone, translation

from invitations.models import Delivery, DeliveryStatus


class Command(BaseCommand):
    help = "Counts deliveries per channel and status, and shows the oldest pending one."

    # Printed in Swedish, as every command of the portal prints (issue 9), whatever language
    # is active: the status names come from the catalogue.
    @translation.override("sv")
    def handle(self, *args, **options):
        rows = Delivery.objects.values("channel", "status").annotate(count=Count("id"))
        counts = {(row["channel"], row["status"]): row["count"] for row in rows}
        self.stdout.write(f"{'status':<12}{'e-post':>8}{'sms':>8}")
        for status, label in DeliveryStatus.choices:
            email, sms = counts.get(("email", status), 0), counts.get(("sms", status), 0)
            self.stdout.write(f"{status:<12}{email:>8}{sms:>8}   {label}")
        oldest = Delivery.objects.filter(status=DeliveryStatus.PENDING).aggregate(
            oldest=Min("status_changed_at")
        )["oldest"]
        if oldest is None:
            self.stdout.write("äldsta väntande: inget")
        else:
            age = timezone.now() - oldest
            minutes = int(age.total_seconds() // 60)
            self.stdout.write(
                f"äldsta väntande: sedan {timezone.localtime(oldest):%Y-%m-%d %H:%M:%S %Z} "
                f"({minutes} min)"
            )
