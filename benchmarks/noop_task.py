"""The do-nothing task, and the ceiling it gives: what one worker carries here, measured in the
same run as the real work (the throughput benchmarks start their worker with ``-I`` for it)."""

import os
import time
import uuid
from pathlib import Path

from celery import shared_task


@shared_task(name="benchmarks.noop", ignore_result=True)
def noop() -> None:
    return None


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by process ``pid`` and its children: the work
    itself, a figure that the machine's other load disturbs less than the time on the clock."""
    ticks, pids = 0, [pid]
    while pids:
        pid = pids.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except FileNotFoundError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
        pids += [int(child) for child in children]
    return ticks / os.sysconf("SC_CLK_TCK")


def ceiling(app, *, node: str, pid: int, tasks: int) -> tuple[float, float]:
    """Do-nothing tasks/s through the worker ``node`` (process ``pid``): ``tasks`` messages
    queued first on a queue the worker does not read yet, then it is told to read it, and
    timed until the queue and its unacknowledged messages are empty. Returns tasks/s and the
    worker's CPU milliseconds per task."""
    redis = app.connection_for_write().default_channel.client
    queue = f"bench-noop-{uuid.uuid4().hex[:6]}"
    with app.producer_or_acquire() as producer:
        for _ in range(tasks):
            noop.apply_async(queue=queue, producer=producer)
    started, cpu = time.monotonic(), tree_cpu_seconds(pid)
    app.control.add_consumer(queue, destination=[node], reply=True)
    while redis.llen(queue) or redis.hlen("unacked"):
        time.sleep(0.005)
    elapsed, cpu = time.monotonic() - started, tree_cpu_seconds(pid) - cpu
    app.control.cancel_consumer(queue, destination=[node], reply=True)
    return tasks / elapsed, cpu * 1000 / tasks
