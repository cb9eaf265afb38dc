"""Writes of underlag by e-mail, one module per concern; each function one use case."""

from .addresses import address_for, addresses_for, replace_address
from .decisions import accept_once, reject, remove_trust, set_auto_reply, trust_domain, trust_sender
from .processing import process_message
from .receiving import receive_message, refuse_unreadable_delivery

__all__ = [
    "accept_once",
    "address_for",
    "addresses_for",
    "process_message",
    "receive_message",
    "refuse_unreadable_delivery",
    "reject",
    "remove_trust",
    "replace_address",
    "set_auto_reply",
    "trust_domain",
    "trust_sender",
]
