from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clients.models import ClientCompany

from .accepted_files import ACCEPT_ATTRIBUTE
from .models import DocumentStatus


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files and cleans to a list of them."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        if not uploads:
            raise ValidationError(self.error_messages["required"], code="required")
        # Each file is judged by services.submit_documents, naming it in every message.
        return uploads


class SubmissionForm(forms.Form):
    """ "Skicka underlag": one or more files and an optional comment.

    Only the shape is checked here; ``services.submit_documents`` judges the files (count,
    size, type by content), each problem naming its file, before anything is saved.
    """

    client = forms.ModelChoiceField(
        label=_("Klientföretag"), queryset=ClientCompany.objects.none(), empty_label=None
    )
    files = MultipleFileField(
        label=_("Filer"),
        error_messages={"required": _("Välj minst en fil att skicka.")},
        help_text=_("PDF, JPEG, PNG eller HEIC, högst %(max)s per fil."),
        widget=MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    comment = forms.CharField(
        label=_("Kommentar (valfri)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("T.ex. ”Lunch med kund 12 mars”")}
        ),
    )

    def __init__(self, *args, clients, max_size_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = ClientCompany.objects.filter(
            pk__in=[client.pk for client in clients]
        )
        if len(clients) == 1:
            self.fields["client"].initial = clients[0].pk
            self.fields["client"].widget = forms.HiddenInput()
        self.fields["files"].help_text = self.fields["files"].help_text % {"max": max_size_label}


class FirmDocumentsFilter(forms.Form):
    """ "Inkommet underlag" narrowed by client and status. A firm may have hundreds of
    clients, so the client is found by a search (name, organisation or customer number),
    not picked from a list; ``client`` (one client's id, as the client card links) is
    hidden and must be one of ``clients``."""

    client = forms.ModelChoiceField(
        queryset=ClientCompany.objects.none(), required=False, widget=forms.HiddenInput
    )
    q = forms.CharField(
        label=_("Klient"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Namn eller organisationsnummer")}
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alla"))] + list(DocumentStatus.choices),
    )

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients
