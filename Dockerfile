# The image of the portal: web (gunicorn), worker and beat (celery) all run it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 portal

WORKDIR /app
# Dependencies first, so that a code change does not reinstall them: exactly the locked
# versions, each checked against its hash (make lock writes requirements/main.txt).
COPY requirements/main.txt requirements/main.txt
RUN pip install --require-hashes --no-deps -r requirements/main.txt
COPY . .

# Production settings demand these; at build time nothing connects anywhere.
ARG BUILD_ENV="SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    ALLOWED_HOSTS=localhost CELERY_BROKER_URL=redis://unused CACHE_URL=locmemcache:// \
    EMAIL_URL=consolemail://"
RUN env $BUILD_ENV python manage.py compilemessages --ignore=.venv \
    && env $BUILD_ENV python manage.py collectstatic --noinput \
    && mkdir -p /app/media && chown -R portal /app/media

USER portal
EXPOSE 8000
# The access log masks the invitation links' secrets (deploy/gunicorn.conf.py).
CMD ["gunicorn", "config.wsgi", "--config", "deploy/gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--workers", "3"]
