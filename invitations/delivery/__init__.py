"""The outbox: every promised e-mail and SMS, sent once, whatever fails on the way.

It points one way: the services call it, it never imports them. Inside, from the bottom up:
``outbox`` (the local outbox of the embedded run), ``sms`` (Twilio), ``messages`` (what is
sent), ``sending`` (claim, send, record), ``sweep``, ``reports`` (providers' feedback) and
``webhooks`` with ``urls``, ``tasks`` (Celery), ``enqueue`` (the rows an invitation
promises, queued after commit) and ``notices``.
"""

from .enqueue import (
    enqueue_deliveries,
    enqueue_renewal_notice,
    promise_deliveries,
    retry_deliveries,
)
from .reports import record_provider_event
from .sweep import sweep_deliveries

__all__ = [
    "enqueue_deliveries",
    "enqueue_renewal_notice",
    "promise_deliveries",
    "record_provider_event",
    "retry_deliveries",
    "sweep_deliveries",
]
