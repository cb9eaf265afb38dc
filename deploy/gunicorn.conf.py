"""gunicorn's settings for the portal's web containers (Dockerfile, docker-compose.yml).

    gunicorn config.wsgi --config deploy/gunicorn.conf.py

The access log goes to stdout with the invitation link's secret, e-mail addresses and phone
numbers masked (``operations.gunicorn_logging``): ``GET /inbjudan/***/ HTTP/1.1``.
The command line gives ``--bind`` and ``--workers``.
"""

accesslog = "-"
logger_class = "operations.gunicorn_logging.MaskingLogger"
