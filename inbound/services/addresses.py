"""Each client company's inbound address: made when first needed, replaceable."""

import base64
import secrets

from anyascii import anyascii
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from clients.models import ClientCompany

from ..models import InboundAddress

# 80 random bits, as 16 base32 letters and digits: unguessable, readable over the phone.
_RANDOM_BYTES = 10
_READABLE_MAX = 30


def _new_local_part(client: ClientCompany) -> str:
    readable = slugify(anyascii(client.name))[:_READABLE_MAX].strip("-") or "underlag"
    random_part = base64.b32encode(secrets.token_bytes(_RANDOM_BYTES)).decode().lower()
    return f"{readable}-{random_part}"


def address_for(*, client: ClientCompany) -> InboundAddress:
    """The client's active address, made now if it has none. Safe to call at once from two
    requests: the database allows one active address per client."""
    existing = InboundAddress.objects.filter(client=client, replaced_at__isnull=True).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return InboundAddress.objects.create(client=client, local_part=_new_local_part(client))
    except IntegrityError:
        return InboundAddress.objects.get(client=client, replaced_at__isnull=True)


def addresses_for(*, clients: list[ClientCompany]) -> dict[int, InboundAddress]:
    """Each client's active address by client id, in one query once they all have one."""
    found = {
        address.client_id: address
        for address in InboundAddress.objects.filter(client__in=clients, replaced_at__isnull=True)
    }
    for client in clients:
        if client.pk not in found:
            found[client.pk] = address_for(client=client)
    return found


@transaction.atomic
def replace_address(*, client: ClientCompany, by: User) -> InboundAddress:
    """Gives the client a new address; the old one stops accepting mail from now on (a mail
    to it is recorded as refused, "Adressen är ersatt av en ny", and its sender told so).

    The caller has checked the accountant's right on the client (inbound.views).
    """
    ClientCompany.objects.select_for_update().get(pk=client.pk)
    InboundAddress.objects.filter(client=client, replaced_at__isnull=True).update(
        replaced_at=timezone.now(), replaced_by=by
    )
    return InboundAddress.objects.create(client=client, local_part=_new_local_part(client))
