"""/healthz for load balancers: can this web container serve the portal right now?

It checks what every request may need: the database, the broker (when there is one), the
cache (sessions' neighbours: rate limits, throttling) and the storage of underlag (a tiny
file written, read and deleted). It answers 200 "ok" or 503 "unavailable" and nothing
else: no component names, versions or errors reach the caller, who needs no login. What
failed goes to the log, for operators.
"""

import logging
import secrets
import socket

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache():
    key = f"healthz:{secrets.token_hex(8)}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not keep a value")
    cache.delete(key)


def _broker():
    if not settings.CELERY_BROKER_URL:
        return  # the embedded run: tasks run in-process, there is no broker to reach
    from config.celery import app

    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2)


def _storage():
    name = default_storage.save(
        f"healthz/{socket.gethostname()}-{secrets.token_hex(4)}", ContentFile(b"ok")
    )
    try:
        with default_storage.open(name, "rb") as file:
            if file.read() != b"ok":
                raise RuntimeError("the storage did not return what was written")
    finally:
        default_storage.delete(name)


CHECKS = {"database": _database, "cache": _cache, "broker": _broker, "storage": _storage}


@login_not_required
@never_cache
@require_safe
def healthz(request):
    failed = []
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure means "not healthy"; the log says which
            failed.append(name)
            logger.warning("health check failed: %s (%s)", name, type(error).__name__)
    if failed:
        return HttpResponse("unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
