"""Review finding 5: no address, number, name or live link in any log line; ids instead.

Real sends (SMTP on loopback, the Twilio stand-in), real requests (Django's test client,
gunicorn as a subprocess on loopback), and what the configured handlers actually wrote.
"""

import io
import logging
import re
import signal
import subprocess
import sys
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils.log import configure_logging

from invitations import secrets
from invitations.delivery.sending import send_deliveries
from invitations.models import Delivery, DeliveryStatus
from invitations.tasks import send_delivery
from operations.log_masking import client_network, mask
from tests.invitations.factories import DeliveryFactory, InvitationFactory

from .conftest import wait_until
from .servers import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
NAME = "Greta Garbosson"
ADDRESS = "greta.garbosson@kundbolaget.test"
MOBILE = "+46701239876"


@pytest.fixture
def console():
    """What the configured console handler of LOGGING writes (the lines production shows),
    and the delivery logger at INFO, as production runs it."""
    if not any(h.get_name() == "console" for h in logging.getLogger().handlers):
        # An in-process Celery worker of an earlier test replaced the root's handlers.
        configure_logging(django_settings.LOGGING_CONFIG, django_settings.LOGGING)
    [handler] = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    stream = io.StringIO()
    previous_stream = handler.setStream(stream)
    delivery_logger = logging.getLogger("invitations.delivery")
    previous_level = delivery_logger.level
    delivery_logger.setLevel(logging.INFO)
    yield stream
    delivery_logger.setLevel(previous_level)
    handler.setStream(previous_stream)


def _invitation(**kwargs):
    return InvitationFactory(
        user__full_name=NAME, user__email=ADDRESS, user__mobile=MOBILE, **kwargs
    )


def _assert_nothing_personal(text: str, invitation) -> None:
    for personal in (ADDRESS, "greta.garbosson", MOBILE, MOBILE[3:], NAME, invitation.secret):
        assert personal not in text, personal


# --- Sends ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_sent_email_logs_its_ids_and_nothing_personal(smtp_server, console, caplog):
    caplog.set_level(logging.INFO, logger="invitations.delivery")
    invitation = _invitation()
    delivery = DeliveryFactory(invitation=invitation)

    send_delivery.delay(delivery.pk)

    assert len(smtp_server.received) == 1
    logged = console.getvalue()
    assert f"delivery {delivery.pk} (email, invitation {invitation.pk})" in logged
    assert " sent as " in logged
    _assert_nothing_personal(logged + caplog.text, invitation)
    [record] = [r for r in caplog.records if getattr(r, "outcome", "") == "sent"]
    assert (record.delivery_id, record.invitation_id) == (delivery.pk, invitation.pk)


@pytest.mark.django_db
def test_an_smtp_refusal_is_logged_and_stored_without_the_address(smtp_server, console, caplog):
    caplog.set_level(logging.INFO, logger="invitations.delivery")
    invitation = _invitation()
    delivery = DeliveryFactory(invitation=invitation)
    smtp_server.handler.reject_recipients[ADDRESS] = (
        f"550 5.1.1 <{ADDRESS}>: Recipient address rejected: unknown user"
    )

    send_delivery.delay(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    # The reason stays readable for the accountant (who sees the recipient beside it).
    assert "550 5.1.1" in delivery.last_error and "unknown user" in delivery.last_error
    assert ADDRESS not in delivery.last_error
    [event] = invitation.events.filter(kind="failed")
    assert ADDRESS not in event.params["provider_text"]
    logged = console.getvalue()
    assert f"delivery {delivery.pk}" in logged and "550 5.1.1" in logged
    _assert_nothing_personal(logged + caplog.text, invitation)
    for record in caplog.records:
        _assert_nothing_personal(str(getattr(record, "reason", "")), invitation)


@pytest.mark.django_db
def test_a_sent_sms_logs_its_ids_and_nothing_personal(twilio_server, console, caplog):
    caplog.set_level(logging.INFO, logger="invitations.delivery")
    invitation = _invitation()
    delivery = DeliveryFactory(invitation=invitation, channel="sms", recipient=MOBILE)

    send_delivery.delay(delivery.pk)

    [request] = twilio_server.sent
    assert invitation.secret in request.form["Body"]  # the link went to the phone …
    logged = console.getvalue()
    assert f"delivery {delivery.pk} (sms, invitation {invitation.pk})" in logged
    _assert_nothing_personal(logged + caplog.text, invitation)  # … and nowhere else


@pytest.mark.django_db
def test_twilios_refusal_naming_the_number_is_logged_without_it(twilio_server, console, caplog):
    caplog.set_level(logging.INFO, logger="invitations.delivery")
    invitation = _invitation()
    delivery = DeliveryFactory(invitation=invitation, channel="sms", recipient=MOBILE)
    twilio_server.answers.append(
        {
            "status": 400,
            "code": 21211,
            "message": f"The 'To' number {MOBILE} is not a valid phone number.",
        }
    )

    send_delivery.delay(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "21211" in delivery.last_error and MOBILE not in delivery.last_error
    logged = console.getvalue()
    assert "21211" in logged
    _assert_nothing_personal(logged + caplog.text, invitation)


@pytest.mark.django_db
def test_without_twilio_the_worker_prints_no_sms(settings, capsys, console):
    """The local outbox keeps the text in its file; outside DEBUG nothing reaches stdout."""
    settings.DEBUG = False
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""
    invitation = _invitation()
    delivery = DeliveryFactory(invitation=invitation, channel="sms", recipient=MOBILE)

    send_delivery.delay(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.provider_message_id.startswith("LOCAL")
    printed = capsys.readouterr()
    _assert_nothing_personal(printed.out + printed.err + console.getvalue(), invitation)


# --- SMS turned off ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_with_sms_off_an_sms_delivery_is_recorded_not_sent(settings, twilio_server):
    settings.SMS_ENABLED = False
    delivery = DeliveryFactory(invitation=_invitation(), channel="sms", recipient=MOBILE)

    send_deliveries(delivery_ids=[delivery.pk])

    delivery.refresh_from_db()
    assert (delivery.status, delivery.error_code) == (DeliveryStatus.FAILED, "sms_disabled")
    assert twilio_server.requests == []


@pytest.mark.django_db
def test_with_sms_off_the_wizard_promises_no_sms(settings, accountant_client, accountant, firm):
    from tests.clients.factories import administered_client
    from tests.invitations.wizard import fields, granska, review_url, start

    settings.SMS_ENABLED = False
    client = administered_client(accountant, firm)
    step = start(accountant_client)
    assert "SMS är avstängt" in accountant_client.get(step).content.decode()
    review = granska(
        accountant_client, step, fields(client, name=NAME, email=ADDRESS, mobile=MOBILE)
    )
    assert 'class="badge">SMS<' not in review.content.decode()

    accountant_client.post(review_url(step))

    assert list(Delivery.objects.values_list("channel", flat=True)) == ["email"]


# --- Requests: Django's loggers and gunicorn's access log --------------------------------------


@pytest.mark.django_db
def test_djangos_not_found_line_masks_the_link_secret(client, console):
    secret = secrets.secret_for(secrets.new_nonce())

    response = client.get(f"/inbjudan/{secret}/?next=/inbjudan/{secret}/")
    client.get(f"/finns-inte/?e-post={ADDRESS.replace('@', '%40')}&mobil=%2B46701239876")

    assert response.status_code == 404
    logged = console.getvalue()
    assert "Not Found: /inbjudan/***/" in logged
    assert secret not in logged
    assert "greta.garbosson" not in logged and "701239876" not in logged


def test_runservers_request_lines_mask_the_link_secret(console):
    """django.server (manage.py runserver, `make run`) logs each request line."""
    secret = secrets.secret_for(secrets.new_nonce())
    [handler] = logging.getLogger("django.server").handlers

    logging.getLogger("django.server").info('"GET /inbjudan/%s/ HTTP/1.1" 200 1234', secret)

    assert handler.get_name() == "console"
    assert '"GET /inbjudan/***/ HTTP/1.1" 200' in console.getvalue()
    assert secret not in console.getvalue()


def test_the_mask_covers_links_addresses_and_numbers():
    secret = "q1w2E3r4T5y6-_Zx" * 2
    assert (
        mask(f"GET /inbjudan/{secret}/ny-lank/ HTTP/1.1") == "GET /inbjudan/***/ny-lank/ HTTP/1.1"
    )
    assert mask(f"next=%2Finbjudan%2F{secret}%2F") == "next=%2Finbjudan%2F***%2F"
    assert mask("/inbjudan/ny-lank-begard/") == "/inbjudan/ny-lank-begard/"
    assert mask(f"https://portal.example.se/inbjudan/{secret}/") == (
        "https://portal.example.se/inbjudan/***/"
    )
    assert mask(f"<{ADDRESS}>: unknown") == "<***@kundbolaget.test>: unknown"
    assert mask("till kvitto-7f3k9q@inkommet.test") == "till ***@inkommet.test"
    assert mask(f"To {MOBILE} and +46 70 123 98 76") == "To +*** and +***"
    assert mask("mobil=070-123 45 67, 0701239876 eller 073-1239876") == (
        "mobil=07***, 07*** eller 07***"
    )
    for untouched in ("2026-07-12 07:30:01", "delivery 10701234567", "id 070123456"):
        assert mask(untouched) == untouched
    assert mask("delivery 42 (sms, invitation 7) attempt 1") == (
        "delivery 42 (sms, invitation 7) attempt 1"
    )


def test_access_logs_keep_a_clients_network_not_its_address():
    assert client_network("192.0.2.41") == "192.0.2.0"
    assert client_network("2001:db8:85a3:8d3:1319:8a2e:370:7348") == "2001:db8:85a3::"
    assert client_network("2001:db8::7") == "2001:db8::"
    assert client_network("unix:/run/gunicorn.sock") == client_network("") == "-"


@pytest.fixture
def gunicorn(transactional_db):
    """gunicorn as the web containers run it (deploy/gunicorn.conf.py), on loopback, on the
    tests' database; its stdout and stderr are what it logged."""
    database = connection.settings_dict
    port = free_port()
    environment = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@"
            f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
        ),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--config",
            "deploy/gunicorn.conf.py",
            f"--bind=127.0.0.1:{port}",
            "--workers=1",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base_url = f"http://127.0.0.1:{port}"

    def answers():
        """gunicorn answers on its port"""
        assert process.poll() is None, process.communicate()
        try:
            with urlopen(base_url + "/healthz", timeout=2):
                return True
        except HTTPError:
            return True
        except OSError:
            return False

    wait_until(answers, timeout=60, interval=0.2)
    output = {}

    def stop() -> str:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
        output["text"] = out + err
        return output["text"]

    yield base_url, stop
    if process.poll() is None:
        process.kill()
        process.communicate()


def _get(url: str) -> int:
    try:
        with urlopen(url, timeout=10) as response:
            return response.status
    except HTTPError as error:
        return error.code


def test_gunicorns_access_log_masks_the_link_secret(gunicorn):
    base_url, stop = gunicorn
    invitation = _invitation()
    unknown = secrets.secret_for(secrets.new_nonce())

    opened = _get(f"{base_url}/inbjudan/{invitation.secret}/")
    not_found = _get(f"{base_url}/inbjudan/{unknown}/")
    queried = _get(f"{base_url}/logga-in/?next=%2Finbjudan%2F{unknown}%2F&u={ADDRESS}")
    logged = stop()

    assert (opened, not_found, queried) == (200, 404, 200)
    access_lines = [line for line in logged.splitlines() if '"GET /' in line]
    assert len(access_lines) >= 3, logged
    assert re.search(r'"GET /inbjudan/\*\*\*/ HTTP/1\.1" 200', logged), logged
    assert re.search(r'"GET /inbjudan/\*\*\*/ HTTP/1\.1" 404', logged), logged
    assert "Not Found: /inbjudan/***/" in logged
    assert unknown not in logged
    _assert_nothing_personal(logged, invitation)
    # The client's network, not its address; the path without its query string.
    assert all(line.startswith("127.0.0.0 [") for line in access_lines), access_lines
    assert not any("127.0.0.1" in line or "?" in line for line in access_lines), access_lines
    assert '"GET /logga-in/ HTTP/1.1" 200' in logged


# --- A worker process as production runs it ----------------------------------------------------


def test_a_worker_process_logs_ids_and_nothing_personal(
    worker_processes, smtp_server, twilio_server, tmp_path
):
    """The worker's own output (Celery's handlers, not Django's), at INFO, of real sends: one
    e-mail refused with the address in the server's words, one e-mail and one SMS sent."""
    from invitations.delivery.tasks import dispatch_deliveries

    from .conftest import TWILIO_FROM, TWILIO_SID, TWILIO_TOKEN

    refused = _invitation()
    smtp_server.handler.reject_recipients[ADDRESS] = f"550 5.1.1 <{ADDRESS}>: unknown user"
    sent = InvitationFactory(
        user__full_name="Sven Svensson", user__email="sven@kund.test", user__mobile=MOBILE
    )
    deliveries = [
        DeliveryFactory(invitation=refused),
        DeliveryFactory(invitation=sent),
        DeliveryFactory(invitation=sent, channel="sms", recipient=MOBILE),
    ]
    log = tmp_path / "worker.log"
    worker = worker_processes(
        "discreet",
        smtp_port=smtp_server.port,
        log_path=log,
        SMS_ENABLED="true",
        TWILIO_ACCOUNT_SID=TWILIO_SID,
        TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
        TWILIO_FROM=TWILIO_FROM,
        TWILIO_API_BASE_URL=twilio_server.base_url,
    )
    ids = [d.pk for d in deliveries]

    dispatch_deliveries.delay(ids)

    def settled():
        """every delivery is sent or failed"""
        statuses = set(Delivery.objects.filter(pk__in=ids).values_list("status", flat=True))
        return statuses <= {"sent", "failed"}

    wait_until(settled, timeout=60)
    worker.stop()
    logged = log.read_text()
    assert [m.recipients for m in smtp_server.received] == [["sven@kund.test"]]
    assert len(twilio_server.sent) == 1 and sent.secret in twilio_server.sent[0].form["Body"]
    for delivery in deliveries:
        assert f"delivery {delivery.pk} (" in logged, logged
    assert "550 5.1.1" in logged
    _assert_nothing_personal(logged, refused)
    _assert_nothing_personal(logged, sent)
    assert "sven@kund.test" not in logged and "Sven Svensson" not in logged


def test_gunicorns_error_log_masks_the_link_secret(tmp_path):
    """gunicorn's "Error handling request /inbjudan/<secret>/" (a worker's crash) is masked
    like its access log: driven through the logger class the config names."""
    from gunicorn.config import Config

    from operations.gunicorn_logging import MaskingLogger

    secret = secrets.secret_for(secrets.new_nonce())
    config = Config()
    config.set("errorlog", str(tmp_path / "error.log"))
    config.set("loglevel", "info")
    logger = MaskingLogger(config)

    logger.error("Error handling request %s", f"/inbjudan/{secret}/?u={ADDRESS}")
    logger.setup(config)  # a reload (SIGHUP) sets it up again: still one filter
    logger.exception("Error handling request %s", f"/inbjudan/{secret}/")

    written = (tmp_path / "error.log").read_text()
    assert written.count("Error handling request /inbjudan/***/") == 2, written
    assert secret not in written and ADDRESS not in written
    assert len(logger.error_log.filters) == 1
