"""/healthz: database, broker, cache and storage; unauthenticated; says nothing else."""

import socket

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again: nothing listens there


def test_healthy_answers_ok_to_anyone_and_nothing_more(client, settings):
    assert settings.CELERY_BROKER_URL.startswith("redis://")  # the broker is checked too

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain"
    assert "no-store" in response["Cache-Control"]


def test_it_is_reachable_without_login_and_at_the_path_load_balancers_use(client):
    assert reverse("healthz") == "/healthz"
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.parametrize("component", ["cache", "broker", "storage"])
def test_a_dead_component_gives_503_without_saying_which(
    client, settings, tmp_path, component, caplog
):
    from config.celery import app

    broker_url = app.conf.broker_url
    if component == "cache":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{dead_port()}/11",
            }
        }
    elif component == "broker":
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{dead_port()}/11"
        app.conf.broker_url = settings.CELERY_BROKER_URL
    else:
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("a file where the storage wants a folder")
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(blocker)},
            },
        }
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = broker_url
    assert response.status_code == 503
    assert response.content == b"unavailable\n"
    assert f"health check failed: {component}" in caplog.text
