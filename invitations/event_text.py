"""The history of an invitation and the reasons of its deliveries, in the reader's language.

Events and delivery errors are stored as a kind (or code) plus parameters; the words are
chosen here, when a page shows them, with the active language. Rows written before that
carry a finished sentence (``InvitationEvent.detail``, ``Delivery.last_error`` without an
``error_code``): those are shown as they were written.
"""

from django.utils.translation import gettext, ngettext

from accounts.models import Language

from .models import Channel, Delivery, DeliveryError, DeliveryPurpose, InvitationEvent

_FIELD_LABELS = {
    "full_name": lambda: gettext("Namn"),
    "email": lambda: gettext("E-post"),
    "mobile": lambda: gettext("Mobilnummer"),
    "language": lambda: gettext("Språk"),
}


def _channel(value: str) -> str:
    try:
        return str(Channel(value).label)
    except ValueError:
        return value


def _shown_value(field: str, value: str) -> str:
    if not value:
        return "–"
    if field == "language":
        try:
            return str(Language(value).label)
        except ValueError:
            return value
    return value


def error_text(code: str, params: dict, provider_text: str = "") -> str:
    """One delivery error (a ``DeliveryError`` code, its parameters and what the provider
    answered, if anything) as a sentence."""
    params = params or {}
    if code == DeliveryError.PROVIDER:
        return provider_text or str(DeliveryError.PROVIDER.label)
    if code == DeliveryError.GAVE_UP:
        attempts = int(params.get("attempts") or 0)
        gave_up = ngettext(
            "gav upp efter %(count)d försök", "gav upp efter %(count)d försök", attempts
        ) % {"count": attempts}
        cause = error_text(params.get("cause") or DeliveryError.PROVIDER, {}, provider_text)
        return f"{cause} ({gave_up})"
    if code == DeliveryError.INVITATION_CLOSED:
        status = params.get("status", "")
        if status == "accepted":
            return gettext("Inbjudan är redan accepterad")
        if status == "revoked":
            return gettext("Inbjudan är återkallad")
        return str(DeliveryError.INVITATION_CLOSED.label)
    if code == DeliveryError.UNEXPECTED:
        label = str(DeliveryError.UNEXPECTED.label)
        return f"{label}: {provider_text}" if provider_text else label
    try:
        label = str(DeliveryError(code).label)
    except ValueError:
        label = code
    return f"{label}: {provider_text}" if provider_text else label


def delivery_error(delivery: Delivery) -> str:
    """Why ``delivery`` did not (yet) go, or "" when nothing went wrong."""
    if delivery.error_code:
        return error_text(delivery.error_code, delivery.error_params, delivery.last_error)
    return delivery.last_error


def _to_recipient(params: dict) -> str:
    channel = _channel(params.get("channel", ""))
    recipient = params.get("recipient", "")
    if params.get("purpose") == DeliveryPurpose.REMINDER:
        return gettext("%(channel)s (påminnelse) till %(recipient)s") % {
            "channel": channel,
            "recipient": recipient,
        }
    return gettext("%(channel)s till %(recipient)s") % {"channel": channel, "recipient": recipient}


def event_detail(event: InvitationEvent) -> str:
    """What the event's kind does not say by itself: where a message went, why it failed,
    what a correction changed. "" when there is nothing more to say."""
    params = event.params or {}
    if not params:
        return event.detail
    if "changes" in params:
        return "; ".join(
            gettext("%(field)s: %(old)s → %(new)s")
            % {
                "field": _FIELD_LABELS[change["field"]]()
                if change["field"] in _FIELD_LABELS
                else change["field"],
                "old": _shown_value(change["field"], change.get("old", "")),
                "new": _shown_value(change["field"], change.get("new", "")),
            }
            for change in params["changes"]
        )
    if params.get("requested_by_recipient"):
        return gettext("Begärd av mottagaren")
    parts = []
    if "channel" in params:
        parts.append(_to_recipient(params))
    if params.get("error"):
        parts.append(
            error_text(
                params["error"], params.get("error_params", {}), params.get("provider_text", "")
            )
        )
    elif params.get("provider_text"):
        parts.append(params["provider_text"])
    return ": ".join(parts)
