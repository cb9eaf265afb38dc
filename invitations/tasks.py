"""Thin tasks: load by id, call a service. (The delivery pipeline fills these in.)"""

from celery import shared_task


@shared_task
def dispatch_deliveries(delivery_ids: list[int]) -> None:
    """Fans a batch's deliveries out to one ``send_delivery`` task each."""
    for delivery_id in delivery_ids:
        send_delivery.delay(delivery_id)


@shared_task
def send_delivery(delivery_id: int) -> None:
    raise NotImplementedError("the delivery pipeline (issue 4) sends this")
