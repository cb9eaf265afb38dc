"""Where production stores uploaded underlag: local disk by default, another backend by setting."""

import json
import os
import subprocess
import sys

from tests.test_project_checks import PRODUCTION_ENVIRONMENT, ROOT

SHOW_STORAGE = (
    "import django, json; django.setup();"
    "from django.core.files.storage import storages; s = storages['default'];"
    "print(json.dumps([type(s).__module__ + '.' + type(s).__name__, s.location]))"
)


def production_storage(**overrides: str) -> list[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("FILE_STORAGE_") and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    environment.update({**PRODUCTION_ENVIRONMENT, "MEDIA_ROOT": "/srv/underlag", **overrides})
    result = subprocess.run(
        [sys.executable, "-c", SHOW_STORAGE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_by_default_underlag_go_to_local_disk_under_media_root():
    assert production_storage() == [
        "django.core.files.storage.filesystem.FileSystemStorage",
        "/srv/underlag",
    ]
    assert production_storage(FILE_STORAGE_BACKEND="")[0].endswith("FileSystemStorage")


def test_another_storage_backend_and_its_options_are_chosen_by_setting():
    assert production_storage(
        FILE_STORAGE_BACKEND="django.core.files.storage.InMemoryStorage",
        FILE_STORAGE_OPTIONS='{"location": "underlag"}',
    ) == ["django.core.files.storage.memory.InMemoryStorage", str(ROOT / "underlag")]
