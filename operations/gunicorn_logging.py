"""gunicorn's logger with link secrets, addresses and numbers masked (``log_masking``).

gunicorn writes its access log (``%(r)s``, the request line with the path and query) and its
error log ("Error handling request /inbjudan/<secret>/") on loggers of its own, outside
Django's LOGGING; ``deploy/gunicorn.conf.py`` names this class as its ``logger_class``.
"""

from gunicorn.glogging import Logger

from .log_masking import MaskPersonalData


class MaskingLogger(Logger):
    """gunicorn's ``Logger`` whose access and error lines pass ``MaskPersonalData``."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(existing, MaskPersonalData) for existing in log.filters):
                log.addFilter(MaskPersonalData())
