from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bureau.organisation_numbers import normalise_org_number

from .models import ClientCompany


class ClientSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Sök på namn eller organisationsnummer"), required=False, max_length=100
    )


class ClientCompanyForm(forms.Form):
    """The shape of a new client; the firm's uniqueness rules live in ``create_client``."""

    name = forms.CharField(
        label=_("Namn"),
        max_length=ClientCompany._meta.get_field("name").max_length,
        error_messages={"required": _("Ange klientföretagets namn.")},
    )
    org_number = forms.CharField(
        label=_("Organisationsnummer"),
        max_length=20,
        help_text=_("NNNNNN-NNNN, till exempel 556677-8899."),
        error_messages={"required": _("Ange organisationsnumret.")},
    )
    customer_number = forms.CharField(
        label=_("Kundnummer"),
        max_length=ClientCompany._meta.get_field("customer_number").max_length,
        required=False,
        help_text=_("Byråns egen beteckning på klienten. Frivilligt, men unikt inom byrån."),
    )

    def clean_org_number(self):
        try:
            return normalise_org_number(self.cleaned_data["org_number"])
        except ValidationError as error:
            raise ValidationError(error.messages) from None
