"""Faults with real worker processes (prefork, production settings) and real SMTP on loopback:
a worker killed mid-run, a mail server answering 4xx for a while. Nothing is lost; what is
sent twice is at most what the killed worker had sent and not yet recorded."""

import time
from collections import Counter

import pytest
from django.utils import timezone

from accounts.models import User
from invitations import secrets
from invitations.models import Delivery, Invitation
from invitations.tasks import dispatch_deliveries, sweep_pending_deliveries
from tests.bureau.factories import AccountantFactory
from tests.clients.factories import ClientCompanyFactory

from .conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def _pending_emails(count: int) -> list[int]:
    """``count`` invitations, each with one pending e-mail delivery; their ids."""
    accountant = AccountantFactory()
    client = ClientCompanyFactory(firm=accountant.firm_membership.firm)
    users = User.objects.bulk_create(
        User(username=f"fault{n}", email=f"fault{n}@kund.test", full_name=f"Fel {n}")
        for n in range(count)
    )
    invitations = []
    for user in users:
        nonce = secrets.new_nonce()
        invitations.append(
            Invitation(
                user=user,
                client=client,
                invited_by=accountant,
                secret_nonce=nonce,
                secret_hash=secrets.hash_secret(secrets.secret_for(nonce)),
                expires_at=timezone.now() + timezone.timedelta(days=14),
            )
        )
    Invitation.objects.bulk_create(invitations)
    deliveries = Delivery.objects.bulk_create(
        Delivery(invitation=i, channel="email", recipient=i.user.email) for i in invitations
    )
    return [d.pk for d in deliveries]


def _arrivals(smtp_server) -> Counter:
    return Counter(mail.recipients[0] for mail in smtp_server.received)


def _settled(ids):
    def every_row_sent():
        """every delivery is recorded sent"""
        return not Delivery.objects.filter(pk__in=ids).exclude(status="sent").exists()

    return every_row_sent


def test_a_worker_killed_mid_run_loses_nothing_and_repeats_at_most_its_unrecorded_sends(
    worker_processes, smtp_server, settings
):
    ids = _pending_emails(240)
    # Slow enough that the kill lands in the middle of chunks, not between batches.
    smtp_server.handler.on_data = lambda mail: time.sleep(0.01)
    first = worker_processes("doomed", smtp_port=smtp_server.port)

    dispatch_deliveries.delay(ids)
    wait_until(lambda: len(smtp_server.received) >= 60, timeout=60)
    first.kill()
    smtp_server.handler.on_data = None

    # What the dead worker held: rows "sending" (claimed, maybe sent) and chunks it had
    # taken from the broker. The sweep (told here that "stuck" and "lost" mean now, which
    # is true while no worker runs) and a new worker take it all back.
    assert Delivery.objects.filter(pk__in=ids).exclude(status="sent").exists()
    in_flight = Delivery.objects.filter(pk__in=ids, status="sending").count()
    settings.DELIVERY_STUCK_AFTER = timezone.timedelta(0)
    settings.DELIVERY_SWEEP_AFTER = timezone.timedelta(0)
    sweep_pending_deliveries.apply()
    worker_processes("heir", smtp_port=smtp_server.port)
    wait_until(_settled(ids), timeout=120)

    arrived = _arrivals(smtp_server)
    assert len(arrived) == len(ids), "every invitation arrived"
    twice = sum(count - 1 for count in arrived.values())
    print(f"killed with {in_flight} rows in flight: {twice} of {len(ids)} sent twice")  # noqa: T201
    # Each of the two children had sent at most DELIVERY_RECORD_EVERY it had not recorded.
    assert twice <= min(in_flight, 2 * settings.DELIVERY_RECORD_EVERY), (twice, in_flight)
    assert all(
        attempts in (1, 2)
        for attempts in Delivery.objects.filter(pk__in=ids).values_list("attempts", flat=True)
    )


def test_a_mail_server_answering_4xx_for_a_while_loses_and_repeats_nothing(
    worker_processes, smtp_server
):
    ids = _pending_emails(100)
    smtp_server.handler.refuse_next(40, "451 4.3.0 Try again later")
    worker_processes(
        "patient",
        smtp_port=smtp_server.port,
        DELIVERY_RETRY_BASE_SECONDS="0.2",
        DELIVERY_RETRY_MAX_SECONDS="1",
    )

    dispatch_deliveries.delay(ids)
    wait_until(_settled(ids), timeout=120)

    arrived = _arrivals(smtp_server)
    assert len(arrived) == len(ids)
    assert set(arrived.values()) == {1}, "nothing sent twice"
    assert smtp_server.handler.data_commands == len(ids) + 40
    retried = Delivery.objects.filter(pk__in=ids, attempts__gt=1).count()
    assert 1 <= retried <= 40
