"""gunicorn's settings for the portal's web containers (Dockerfile, docker-compose.yml).

    gunicorn config.wsgi --config deploy/gunicorn.conf.py

The access log goes to stdout as the proxy's does (deploy/nginx.conf): the client's network
(not its address), the path without its query string (a search, an address, a ``next=``
link), no referer, and the invitation link's secret, e-mail addresses and phone numbers
masked (``operations.gunicorn_logging``): ``192.0.2.0 [...] "GET /inbjudan/***/ HTTP/1.1"``.
The command line gives ``--bind`` and ``--workers``.
"""

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'
logger_class = "operations.gunicorn_logging.MaskingLogger"
