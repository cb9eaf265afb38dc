"""A wizard batch leaves through a real Celery worker on Redis, to real SMTP and a local Twilio."""

import uuid
from itertools import islice

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse
from django.utils import timezone
from kombu.utils.functional import fxrange

from clients.models import ClientRight
from invitations.models import Delivery, InvitationBatch, InvitationEvent
from invitations.services import NewUserRow, invite_new_users
from invitations.tasks import send_delivery, sweep_pending_deliveries
from tests.bureau.factories import AccountantFactory
from tests.clients.factories import ClientCompanyFactory, administered_client
from tests.invitations.wizard import fields, granska, review_url, start

from .conftest import TWILIO_FROM, TWILIO_SID, TWILIO_TOKEN, broker_at, wait_until
from .servers import ClosingListener, free_port

pytestmark = pytest.mark.django_db(transaction=True)


def _batch(*, size: int, with_mobile: bool = True):
    accountant = AccountantFactory(full_name="Karin Konsult")
    firm = accountant.firm_membership.firm
    rows = []
    for n in range(size):
        client = ClientCompanyFactory(firm=firm, name=f"Bageriet {n} AB")
        ClientRight.objects.create(accountant=accountant, client=client, is_system_admin=True)
        rows.append(
            NewUserRow(
                client_id=client.pk,
                full_name=f"Anna Andersson {n}",
                email=f"anna{n}@kund.test",
                username=f"anna{n}",
                mobile=f"+4670111222{n}" if with_mobile else "",
            )
        )
    batch = invite_new_users(
        accountant=accountant, firm=firm, rows=rows, submission_key=uuid.uuid4()
    )
    return accountant, batch


def _all_sent():
    """every delivery is sent"""
    statuses = set(Delivery.objects.values_list("status", flat=True))
    return statuses == {"sent"}


def test_a_wizard_batch_is_sent_by_the_worker_through_smtp_and_twilio(
    celery_worker, smtp_server, twilio_server, client
):
    accountant, batch = _batch(size=3)

    wait_until(_all_sent, timeout=15)

    assert sorted(r for mail in smtp_server.received for r in mail.recipients) == [
        "anna0@kund.test",
        "anna1@kund.test",
        "anna2@kund.test",
    ]
    mail = next(m for m in smtp_server.received if m.recipients == ["anna1@kund.test"])
    firm = accountant.firm_membership.firm
    # Python folds the long encoded subject onto a new line; readers drop the leading space.
    assert mail.message["Subject"].strip() == f"{firm.name} har bjudit in dig till Byråportalen"
    assert mail.message["Reply-To"] == accountant.email
    for body in (mail.text, mail.html):
        assert "Karin Konsult" in body
        assert firm.name in body
        assert "Bageriet 1 AB" in body
        assert "anna1" in body
        assert "http://testserver/inbjudan/" in body
        assert "apps.apple.com" not in body and "play.google.com" not in body
        assert "hemskärmen" in body
    invitation = batch.invitations.get(user__username="anna1")
    assert f"{invitation.expires_at:%Y}" in mail.text

    assert len(twilio_server.sent) == 3
    sms = next(r for r in twilio_server.sent if r.form["To"] == "+46701112221")
    assert sms.auth == (TWILIO_SID, TWILIO_TOKEN)
    assert sms.account_sid == TWILIO_SID
    assert sms.form["From"] == TWILIO_FROM
    assert firm.name in sms.form["Body"]
    assert "http://testserver/inbjudan/" in sms.form["Body"]
    sent_as = Delivery.objects.get(channel="sms", recipient=sms.form["To"])
    assert sms.form["StatusCallback"] == f"http://testserver/webhooks/twilio/status/{sent_as.pk}/"
    assert sent_as.provider_message_id == sms.sid

    sms_delivery = Delivery.objects.get(invitation=invitation, channel="sms")
    assert sms_delivery.provider_message_id.startswith("SM")
    assert sms_delivery.attempts == 1
    invitation.refresh_from_db()
    assert invitation.last_sent_at is not None
    assert InvitationEvent.objects.filter(invitation=invitation, kind="sent").count() == 2

    client.force_login(accountant)
    overview = client.get("/inbjudningar/").content.decode()
    assert overview.count('data-status="sent"') == 6


def test_smtp_refusing_then_recovering_sends_the_mail_once(
    celery_worker, smtp_server, fast_backoff
):
    smtp_server.handler.refuse_next(2)
    _batch(size=1, with_mobile=False)

    wait_until(_all_sent, timeout=15)

    assert len(smtp_server.received) == 1
    assert smtp_server.handler.data_commands == 3
    delivery = Delivery.objects.get()
    assert delivery.attempts == 3
    assert delivery.last_error == ""


def test_a_delivery_task_run_twice_sends_once(
    with_broker, transactional_db, smtp_server, delivery_log
):
    _batch(size=1, with_mobile=False)
    delivery = Delivery.objects.get()
    send_delivery.delay(delivery.pk)  # a duplicate of the batch's own task, already queued

    with start_worker(with_broker, pool="solo", perform_ping_check=False, shutdown_timeout=5):
        wait_until(_all_sent, timeout=15)
        # The duplicate runs too, and finds nothing to claim.
        wait_until(lambda: _outcomes(delivery_log).count("skipped") == 1, timeout=10)

    assert len(smtp_server.received) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert _outcomes(delivery_log) == ["sent", "skipped"]


def _outcomes(records) -> list[str]:
    return [record.outcome for record in records if hasattr(record, "outcome")]


def _sleeps_before_giving_up(transport_options) -> list[float]:
    """What kombu sleeps between its connection attempts under these options, as its
    ``retry_over_time`` computes them: one per retry."""
    start, step, most = (
        transport_options["interval_start"],
        transport_options["interval_step"],
        transport_options["interval_max"],
    )
    intervals = (min(v, most) for v in fxrange(start, most + start, step, repeatlast=True))
    return list(islice(intervals, transport_options["max_retries"]))


def test_broker_down_at_submit_gives_up_at_once_and_the_wizard_still_saves_the_batch(
    with_broker, transactional_db, accountant_client, accountant, firm
):
    """README: publishing gives up within a second when Redis is down. Not timed: the
    policy allows one retry with no sleep before it, and the submit is seen to try exactly
    twice (not Celery's default publish retries, nor its 100 connection retries), then to
    answer with the batch saved."""
    options = with_broker.conf.broker_transport_options
    assert options["max_retries"] == 1
    assert sum(_sleeps_before_giving_up(options)) < 1
    client = administered_client(accountant, firm, name="Bageriet AB")
    step = start(accountant_client)
    granska(accountant_client, step, fields(client, name="Anna Andersson", email="anna@kund.test"))

    with ClosingListener() as broker, broker_at(f"redis://127.0.0.1:{broker.port}/0"):
        response = accountant_client.post(review_url(step))

    assert broker.connections == 1 + options["max_retries"]
    batch = InvitationBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("invitations:batch_result", kwargs={"pk": batch.pk})
    assert batch.invitations.get().user.email == "anna@kund.test"
    assert set(Delivery.objects.values_list("status", flat=True)) == {"pending"}


def test_broker_down_at_submit_loses_nothing_once_the_sweep_runs(
    with_broker, transactional_db, smtp_server, settings
):
    with broker_at(f"redis://127.0.0.1:{free_port()}/0"):
        _accountant, batch = _batch(size=2)

    assert batch.invitations.count() == 2
    assert set(Delivery.objects.values_list("status", flat=True)) == {"pending"}

    settings.DELIVERY_SWEEP_AFTER = timezone.timedelta(0)
    with start_worker(with_broker, pool="solo", perform_ping_check=False, shutdown_timeout=5):
        sweep_pending_deliveries.delay()
        wait_until(_all_sent, timeout=15)

    assert len(smtp_server.received) == 2
