"""What a worker's process holds once it has started: not the libraries only a few tasks or
pages need (issue 11: a worker of one main process and two children within 300 MiB)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

STARTED_WORKER = """
import json, sys
import django
django.setup()
from config.celery import app
# What a worker does before its first task: Django set up, every task module imported
# (Celery's Django fix-up runs the system checks here unless CELERY_SKIP_CHECKS is set).
app.loader.import_default_modules()
print(json.dumps(sorted(sys.modules)))
"""


def modules_of_a_started_worker() -> set[str]:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    environment.pop("CELERY_SKIP_CHECKS", None)
    output = subprocess.run(
        [sys.executable, "-c", STARTED_WORKER],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(json.loads(output.strip().splitlines()[-1]))


def test_a_started_worker_has_not_imported_the_pdf_renderer_the_views_or_every_provider():
    modules = modules_of_a_started_worker()

    assert "inbound.services.processing" in modules  # the tasks are there
    assert "fpdf" not in modules  # only a mail without attachments needs it
    assert "config.urls" not in modules  # no system checks in the worker: no views
    assert "anymail.urls" not in modules  # every provider's webhooks, without a provider
    assert "boto3" not in modules
