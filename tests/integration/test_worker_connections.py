"""A worker keeps its database connections from one task to the next, as CONN_MAX_AGE says.

Celery's Django fix-up closed them around every task, so each task paid a new PostgreSQL
connection (issue 13: half an inbound message's time).
"""

import pytest
from django.db import connection, transaction

from config.celery import app
from inbound.models import InboundMessage
from inbound.tasks import process_inbound_message

from .conftest import wait_until
from .servers import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def _worker_backends() -> set[tuple[int, str]]:
    """The other sessions on the test database: the worker's (pid, start)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, backend_start::text FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return set(cursor.fetchall())


def _run_tasks(count: int) -> None:
    redis = app.connection_for_write().default_channel.client
    for _ in range(count):
        process_inbound_message.delay(0)  # no such message: a locking SELECT that finds none

    def all_done():
        """the worker has taken and acknowledged every task"""
        return not redis.llen("celery") and not redis.hlen("unacked")

    wait_until(all_done, timeout=30)


def test_a_worker_process_keeps_its_database_connections_between_tasks(worker_processes):
    worker_processes("connections", smtp_port=free_port())

    _run_tasks(20)
    after_first = wait_until(_worker_backends, timeout=5)
    _run_tasks(20)

    # The same sessions served the second round: none was closed and opened again.
    assert _worker_backends() == after_first
    assert len(after_first) <= 2  # at most one per pool process (-c 2)


def test_a_task_run_in_process_leaves_the_callers_connection_and_transaction_alone():
    # Eager (no broker, `make run`): the task runs inside the caller's transaction.
    with transaction.atomic():
        process_inbound_message.apply(args=(0,))
        assert connection.in_atomic_block
        assert InboundMessage.objects.count() == 0  # the connection still works
