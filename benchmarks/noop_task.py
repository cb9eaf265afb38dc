"""The do-nothing task: the ceiling of what one worker carries here, measured in the same
run as the sending (``delivery_throughput.py`` starts the worker with ``-I`` for it)."""

from celery import shared_task


@shared_task(name="benchmarks.noop", ignore_result=True)
def noop() -> None:
    return None
