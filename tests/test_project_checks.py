"""The project's own health: deploy checks clean, migrations in step with the models."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from operations.checks import SAMPLE_SECRET_KEYS, is_sample_key, secret_key_is_not_a_sample

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


def production_environment(**overrides: str | None) -> dict[str, str]:
    """This process's environment with PRODUCTION_ENVIRONMENT and ``overrides`` (None
    removes a variable)."""
    # The browser tests' async-unsafe switch is for tests only; the deploy check rightly refuses it.
    environment = {
        key: value
        for key, value in os.environ.items()
        if key != "DJANGO_ALLOW_ASYNC_UNSAFE" and key not in PRODUCTION_ENVIRONMENT
    }
    for key, value in {**PRODUCTION_ENVIRONMENT, **overrides}.items():
        if value is not None:
            environment[key] = value
    return environment


def deploy_check(**overrides: str | None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_environment(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_setting(name: str, **overrides: str | None) -> str:
    """repr() of one setting as production reads it from PRODUCTION_ENVIRONMENT + overrides."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"print(repr(getattr(settings, {name!r}, None)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_environment(**overrides),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_settings_pass_the_deploy_checks():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["CELERY_BROKER_URL", "CACHE_URL", "EMAIL_URL"])
def test_production_refuses_to_start_without_a_real_service(missing):
    result = deploy_check(**{missing: None, "ANYMAIL_ESP": None})
    assert result.returncode != 0
    assert missing in result.stderr


@pytest.mark.parametrize("missing", ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"])
def test_production_without_twilio_refuses_to_start(missing):
    """Review finding 5: the worker printed each SMS, link included, to stdout instead."""
    result = deploy_check(**{missing: None})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SMS_ENABLED=false" in result.stderr


def test_production_with_sms_turned_off_needs_no_twilio():
    result = deploy_check(
        TWILIO_ACCOUNT_SID=None, TWILIO_AUTH_TOKEN=None, TWILIO_FROM=None, SMS_ENABLED="false"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert production_setting("SMS_ENABLED", SMS_ENABLED="false") == "False"


def test_elsewhere_the_deploy_check_still_warns_that_sms_stay_local(settings):
    from invitations.checks import sms_provider_is_configured

    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""
    settings.SMS_ENABLED = True
    assert [m.id for m in sms_provider_is_configured(None)] == ["invitations.W001"]
    settings.SMS_ENABLED = False
    assert sms_provider_is_configured(None) == []


def test_twilio_credentials_without_a_sender_are_an_error():
    result = deploy_check(TWILIO_FROM=None)
    assert "invitations.E001" in result.stderr + result.stdout


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.parametrize("key", sorted(SAMPLE_SECRET_KEYS))
def test_the_deploy_check_refuses_every_sample_secret_key_of_the_repository(key):
    """Review finding 8: compose's default key passed `check --deploy`."""
    result = deploy_check(SECRET_KEY=key)
    assert result.returncode != 0
    assert "operations.E001" in result.stderr + result.stdout


def test_the_samples_listed_are_the_ones_the_repository_shows():
    shown = {
        "config/settings/base.py": r'"SECRET_KEY", default="([^"]+)"',
        "config/settings/test.py": r'SECRET_KEY = "([^"]+)"',
        ".env.example": r"^SECRET_KEY=(.+)$",
        "Dockerfile": r"SECRET_KEY=(\S+)",
    }
    for path, pattern in shown.items():
        match = re.search(pattern, (ROOT / path).read_text(), re.MULTILINE)
        assert match and is_sample_key(match.group(1)), path


def test_a_sample_key_among_the_fallbacks_is_refused_too(settings):
    settings.SECRET_KEY = "a-key-of-our-own-" + "k" * 40
    settings.SECRET_KEY_FALLBACKS = ["change-me-to-50-random-characters"]
    assert [error.id for error in secret_key_is_not_a_sample(None)] == ["operations.E001"]
    settings.SECRET_KEY_FALLBACKS = []
    assert secret_key_is_not_a_sample(None) == []


def test_the_proxy_header_is_believed_only_when_the_deployment_says_so():
    """Review finding 10: X-Forwarded-Proto was trusted always."""
    assert production_setting("SECURE_PROXY_SSL_HEADER") == "None"
    assert production_setting("SECURE_PROXY_SSL_HEADER", BEHIND_TLS_PROXY="false") == "None"
    assert production_setting("SECURE_PROXY_SSL_HEADER", BEHIND_TLS_PROXY="true") == repr(
        ("HTTP_X_FORWARDED_PROTO", "https")
    )


def test_production_on_shared_object_storage_passes_the_deploy_checks_too():
    result = deploy_check(
        FILE_STORAGE_BACKEND="storages.backends.s3.S3Storage",
        FILE_STORAGE_OPTIONS='{"bucket_name": "underlag", "endpoint_url": "http://minio:9000"}',
        BEHIND_TLS_PROXY="true",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_email_url_or_anymail_esp_chooses_the_mail_backend():
    """The README: EMAIL_URL (SMTP) or ANYMAIL_ESP (a provider) decides; a provider wins."""
    smtp = "'django.core.mail.backends.smtp.EmailBackend'"
    postmark = "'anymail.backends.postmark.EmailBackend'"
    assert production_setting("EMAIL_BACKEND") == smtp
    assert production_setting("EMAIL_HOST") == "'mail.example.se'"
    assert production_setting("EMAIL_PORT") == "587"
    assert production_setting("EMAIL_USE_TLS", EMAIL_URL="smtp+tls://mail.example.se:587") == "True"
    assert production_setting("EMAIL_BACKEND", ANYMAIL_ESP="postmark") == postmark
    assert production_setting("EMAIL_BACKEND", ANYMAIL_ESP="postmark", EMAIL_URL=None) == postmark


def test_production_accepts_anymail_esp_without_email_url():
    result = deploy_check(
        EMAIL_URL=None,
        ANYMAIL_ESP="postmark",
        ANYMAIL='{"POSTMARK_SERVER_TOKEN": "server-token"}',
        ANYMAIL_WEBHOOK_SECRET="hook:a-long-random-webhook-secret",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
