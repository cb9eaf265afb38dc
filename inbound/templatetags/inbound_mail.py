"""Parts of other apps' pages that inbound fills: the quarantine on "Inkommet underlag", the
address on the client card, and the address and mail outcomes on the client's start page.

Each page pulls its part with one tag, so those pages need not know inbound's selectors.
"""

from django import template
from django.conf import settings

from .. import selectors
from ..outcomes import file_notes, why
from ..services.addresses import address_for, addresses_for

register = template.Library()


@register.inclusion_tag("inbound/_waiting.html", takes_context=True)
def waiting_for_approval(context):
    request = context["request"]
    waiting = selectors.waiting_for_approval(accountant=request.user, firm=request.firm)
    for message in waiting:
        message.why = why(message)
    return {
        "request": request,
        "waiting": waiting,
        "total": (
            selectors.count_waiting_for_approval(accountant=request.user, firm=request.firm)
            if len(waiting) >= 20
            else len(waiting)
        ),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("inbound/_client_card_section.html", takes_context=True)
def client_mail_section(context, client):
    enabled = bool(settings.INBOUND_EMAIL_DOMAIN)
    return {
        "client": client,
        "enabled": enabled,
        "address": address_for(client=client) if enabled else None,
    }


@register.inclusion_tag("inbound/_client_user_card.html", takes_context=True)
def client_user_mail_card(context):
    request = context["request"]
    if not settings.INBOUND_EMAIL_DOMAIN:
        return {"enabled": False}
    # The start page has the user's client companies already; other pages let the tag look.
    clients = context.get("clients") or selectors.client_user_clients(user=request.user)
    addresses = addresses_for(clients=clients)
    mail = selectors.own_messages(user=request.user, clients=clients)
    for message in mail:
        message.why = why(message)
        message.notes = file_notes(message)
    return {
        "enabled": True,
        "addresses": [(client, addresses[client.pk]) for client in clients],
        "several": len(clients) > 1,
        "mail": mail,
    }
