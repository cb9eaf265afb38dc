from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Outcome

DECISIONS = {
    "godkann": "accept_once",
    "avsandare": "trust_sender",
    "doman": "trust_domain",
    "avvisa": "reject",
}


class DecisionForm(forms.Form):
    beslut = forms.ChoiceField(choices=[(key, key) for key in DECISIONS])


class MessagesFilter(forms.Form):
    klient = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    utfall = forms.ChoiceField(
        label=_("Utfall"), required=False, choices=[("", _("Alla"))] + list(Outcome.choices)
    )


class AutoReplyForm(forms.Form):
    auto_reply = forms.BooleanField(label=_("Svara avsändaren"), required=False)
