"""``{% load invitation_text %}``: events and delivery errors in the reader's language."""

from django import template

from .. import event_text

register = template.Library()


@register.filter
def event_detail(event) -> str:
    return event_text.event_detail(event)


@register.filter
def delivery_error(delivery) -> str:
    return event_text.delivery_error(delivery)
