"""gunicorn's logger with link secrets, addresses and numbers masked (``log_masking``).

gunicorn writes its access log (the request's path; ``deploy/gunicorn.conf.py`` leaves the
query string and the referer out) and its error log ("Error handling request
/inbjudan/<secret>/") on loggers of its own, outside Django's LOGGING;
``deploy/gunicorn.conf.py`` names this class as its ``logger_class``. The client's address is
logged as its network only (``client_network``).
"""

from gunicorn.glogging import Logger

from .log_masking import MaskPersonalData, client_network


class MaskingLogger(Logger):
    """gunicorn's ``Logger`` whose access and error lines pass ``MaskPersonalData``, and
    whose ``%(h)s`` is the client's network, not its address."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(existing, MaskPersonalData) for existing in log.filters):
                log.addFilter(MaskPersonalData())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["h"] = client_network(atoms["h"])
        return atoms
