"""Underlag by e-mail on the firm's side (the mail log, quarantine decisions, a client's
address and trusted senders) and the contact card of an address."""

import vobject
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from bureau.access import accountant_required
from bureau.models import FirmRole
from bureau.navigation import redirect_back

from . import selectors
from .forms import DECISIONS, AutoReplyForm, DecisionForm, MessagesFilter
from .models import FirmInboundSettings
from .outcomes import file_notes, why
from .services import addresses, decisions

PAGE_SIZE = 50


def _annotate(mail_messages):
    for message in mail_messages:
        message.why = why(message)
        message.notes = file_notes(message)
    return mail_messages


@accountant_required
def message_list(request):
    """Every inbound mail to the clients the accountant has a right on, with its outcome."""
    filters = MessagesFilter(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    client = None
    if chosen.get("klient"):
        client = selectors.client_for_accountant(
            accountant=request.user, firm=request.firm, pk=chosen["klient"]
        )
    mail = selectors.firm_messages(
        accountant=request.user,
        firm=request.firm,
        client_id=client.pk if client else None,
        outcome=chosen.get("utfall") or None,
    )
    page = Paginator(mail, PAGE_SIZE).get_page(request.GET.get("sida"))
    _annotate(page.object_list)
    is_admin = request.firm_membership.role == FirmRole.ADMIN
    firm_settings = FirmInboundSettings.objects.filter(firm=request.firm).first()
    return render(
        request,
        "inbound/message_list.html",
        {
            "page": page,
            "filters": filters,
            "client": client,
            "is_firm_admin": is_admin,
            "auto_reply": bool(firm_settings and firm_settings.auto_reply),
        },
    )


@accountant_required
@require_POST
def decide(request, pk):
    """ "Godkänn en gång", "Lita på avsändaren", "Lita på domänen" or "Avvisa"."""
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Välj ett beslut."))
        return redirect_back(request, default="documents:firm_list")
    service = getattr(decisions, DECISIONS[form.cleaned_data["beslut"]])
    try:
        service(accountant=request.user, firm=request.firm, message_id=pk)
    except decisions.NotAllowed:
        messages.warning(
            request, gettext("Mejlet väntar inte längre på godkännande, eller finns inte.")
        )
    else:
        messages.success(request, _decision_done(form.cleaned_data["beslut"]))
    return redirect_back(request, default="documents:firm_list")


def _decision_done(decision: str) -> str:
    return {
        "godkann": gettext("Mejlet är godkänt och blir underlag."),
        "avsandare": gettext("Avsändaren är betrodd; mejl därifrån går nu direkt in."),
        "doman": gettext("Domänen är betrodd; mejl därifrån går nu direkt in."),
        "avvisa": gettext("Mejlet är avvisat."),
    }[decision]


@accountant_required
def client_mail(request, pk):
    """A client's address (replaceable), trusted senders and domains, and its recent mail."""
    client = selectors.client_for_accountant(accountant=request.user, firm=request.firm, pk=pk)
    if client is None:
        raise Http404
    address = addresses.address_for(client=client)
    recent = list(
        selectors.firm_messages(accountant=request.user, firm=request.firm, client_id=client.pk)[
            :20
        ]
    )
    return render(
        request,
        "inbound/client_mail.html",
        {
            "client": client,
            "address": address,
            "replaced": selectors.replaced_addresses_of(client=client),
            "trusted": selectors.trusted_senders_of(client=client),
            "recent": _annotate(recent),
        },
    )


@accountant_required
@require_POST
def replace_address(request, pk):
    client = selectors.client_for_accountant(accountant=request.user, firm=request.firm, pk=pk)
    if client is None:
        raise Http404
    address = addresses.replace_address(client=client, by=request.user)
    messages.success(
        request,
        gettext("Klienten har fått en ny adress: %(address)s. Den gamla tar inte längre emot mejl.")
        % {"address": address.email},
    )
    return redirect("inbound:client", pk=client.pk)


@accountant_required
@require_POST
def remove_trust(request, pk, trust_pk):
    client = selectors.client_for_accountant(accountant=request.user, firm=request.firm, pk=pk)
    if client is None:
        raise Http404
    if decisions.remove_trust(
        accountant=request.user, firm=request.firm, client=client, trust_id=trust_pk
    ):
        messages.success(request, gettext("Borttagen. Nya mejl därifrån väntar på godkännande."))
    return redirect("inbound:client", pk=client.pk)


@accountant_required
@require_POST
def auto_reply(request):
    """The firm's setting "Svara avsändaren"; firm administrators only."""
    if request.firm_membership.role != FirmRole.ADMIN:
        raise Http404
    form = AutoReplyForm(request.POST)
    form.is_valid()
    with transaction.atomic():
        decisions.set_auto_reply(firm=request.firm, enabled=form.cleaned_data.get("auto_reply"))
    messages.success(request, gettext("Inställningen är sparad."))
    return redirect("inbound:messages")


def contact_card(request, client_pk):
    """The client's address as a vCard, to save on the phone ("Spara som kontakt")."""
    client = selectors.contact_card_client(user=request.user, client_id=client_pk)
    if client is None:
        raise Http404
    address = addresses.address_for(client=client)
    card = vobject.vCard()
    card.add("fn").value = gettext("Underlag till %(firm)s") % {"firm": client.firm.name}
    card.add("n").value = vobject.vcard.Name(family=client.firm.name, given=gettext("Underlag"))
    card.add("org").value = [client.name]
    email = card.add("email")
    email.value = address.email
    email.type_param = "INTERNET"
    card.add("note").value = gettext("Mejla kvitton och fakturor för %(client)s hit.") % {
        "client": client.name
    }
    response = HttpResponse(card.serialize(), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="underlag.vcf"'
    return response
