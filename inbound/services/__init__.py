"""Writes of underlag by e-mail, one module per concern; each function one use case.

Import from the module that holds a use case; this package imports none of them, so that
the worker's side (``processing``, ``replies``), which the tasks call, never pulls in the
request's side (``receiving``, ``decisions``), which queues those tasks. One way:
``receiving``/``decisions`` -> ``inbound.tasks`` -> ``processing`` -> ``replies``.

- ``addresses``: a client's inbound address, made when first shown, and replacing it.
- ``receiving``: record one arriving message, once, and queue its processing.
- ``decisions``: an accountant's decisions on quarantined mail and on trusted senders.
- ``processing``: the worker's judgement of one message, into underlag or quarantine.
- ``replies``: the short reply to the sender, when the firm wants one.
"""
