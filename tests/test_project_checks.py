"""The project's own health: deploy checks clean, migrations in step with the models."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-0123456789",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
    "ALLOWED_HOSTS": "portal.example.se",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "EMAIL_URL": "smtp://mail.example.se:587",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "token",
    "TWILIO_FROM": "+46700000000",
}


def deploy_check(**overrides: str | None) -> subprocess.CompletedProcess:
    # The browser tests' async-unsafe switch is for tests only; the deploy check rightly refuses it.
    environment = {
        key: value
        for key, value in os.environ.items()
        if key != "DJANGO_ALLOW_ASYNC_UNSAFE" and key not in PRODUCTION_ENVIRONMENT
    }
    for key, value in {**PRODUCTION_ENVIRONMENT, **overrides}.items():
        if value is not None:
            environment[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_checks():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["CELERY_BROKER_URL", "CACHE_URL", "EMAIL_URL"])
def test_production_refuses_to_start_without_a_real_service(missing):
    result = deploy_check(**{missing: None})
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_without_twilio_warns_that_sms_stay_local():
    result = deploy_check(TWILIO_ACCOUNT_SID=None, TWILIO_AUTH_TOKEN=None)
    assert result.returncode != 0
    assert "invitations.W001" in result.stderr + result.stdout


def test_twilio_credentials_without_a_sender_are_an_error():
    result = deploy_check(TWILIO_FROM=None)
    assert "invitations.E001" in result.stderr + result.stdout


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
