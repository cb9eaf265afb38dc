from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clients.models import ClientCompany

from .accepted_files import ACCEPT_ATTRIBUTE, MAX_FILES_PER_SUBMISSION, problems_with
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
        # Each file is judged in SubmissionForm.clean_files, naming it in every message.
        return uploads


class SubmissionForm(forms.Form):
    """ "Skicka underlag": one or more files and an optional comment.

    Every file is checked (type by content, size) before the form is valid, and each
    problem names its file, so nothing is saved until the whole submission is right.
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

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        if len(uploads) > MAX_FILES_PER_SUBMISSION:
            raise ValidationError(
                ngettext(
                    "Skicka högst %(max)d fil åt gången.",
                    "Skicka högst %(max)d filer åt gången.",
                    MAX_FILES_PER_SUBMISSION,
                )
                % {"max": MAX_FILES_PER_SUBMISSION}
            )
        problems = [problem for upload in uploads for problem in problems_with(upload)]
        if problems:
            raise ValidationError(problems)
        return uploads


class FirmDocumentsFilter(forms.Form):
    client = forms.ModelChoiceField(
        label=_("Klient"),
        queryset=ClientCompany.objects.none(),
        required=False,
        empty_label=_("Alla klienter"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alla"))] + list(DocumentStatus.choices),
    )

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients
