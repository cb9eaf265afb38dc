"""The wizard's forms: they check the shape of each row; the rules live in the services."""

import phonenumbers
from django import forms
from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.utils.translation import gettext_lazy as _

from accounts.models import Language

from . import selectors, services
from .models import BatchKind
from .usernames import normalise_username, suggest_usernames, validate_username

ROW_FIELDS = ("full_name", "email", "mobile", "username", "language")
# The key, in a draft's row, of the row as the review cleaned it, with the values it was
# typed as: the submit takes it as it is while those values have not changed.
REVIEWED = "reviewed"


def _as_typed(values: dict) -> list[str]:
    return [str(values.get(field, "")) for field in ROW_FIELDS]


_MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


class WizardChoiceForm(forms.Form):
    # The run's draft and its batch carry the same kind.
    NEW_USERS = BatchKind.NEW_USERS
    EXISTING_USERS = BatchKind.EXISTING_USERS

    choice = forms.ChoiceField(
        choices=[
            (NEW_USERS, _("Lägg till nya användare och bjud in dem")),
            (EXISTING_USERS, _("Bjud in befintliga användare")),
        ],
        initial=NEW_USERS,
        widget=forms.RadioSelect,
    )


def parse_mobile(value: str) -> str:
    """``value`` as E.164 if it is a valid mobile number (Swedish by default), else an error.

    Accepts the usual ways of writing it: 070-123 45 67, 0701234567, +46 70 123 45 67,
    0046 70 123 45 67. A foreign mobile number is accepted with its country code.
    """
    invalid = forms.ValidationError(
        _("Ange ett giltigt mobilnummer, t.ex. 070-123 45 67 eller +46 70 123 45 67."),
        code="invalid_mobile",
    )
    try:
        number = phonenumbers.parse(value, settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise invalid from None
    if not phonenumbers.is_valid_number(number):
        raise invalid
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise forms.ValidationError(
            _(
                "Numret är inte ett mobilnummer (det ser ut som ett fast nummer). Ange ett "
                "mobilnummer, så att inbjudan kan gå som SMS, eller lämna fältet tomt."
            ),
            code="not_mobile",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class NewUserRowForm(forms.Form):
    """One marked row of step 2: a new client user for one client company."""

    full_name = forms.CharField(
        label=_("Namn"),
        max_length=150,
        error_messages={"required": _("Ange användarens namn.")},
    )
    email = forms.EmailField(
        label=_("Användarens e-post"),
        max_length=254,
        error_messages={
            "required": _("Ange användarens e-postadress."),
            "invalid": _("Ange en giltig e-postadress, t.ex. namn@foretag.se."),
        },
    )
    mobile = forms.CharField(label=_("Mobilnummer"), required=False, max_length=40)
    username = forms.CharField(label=_("Användarnamn"), required=False, max_length=200)
    # Empty (a draft from before the column, a post without it) means Swedish.
    language = forms.ChoiceField(
        label=_("Språk"),
        choices=Language.choices,
        required=False,
        error_messages={"invalid_choice": _("Välj svenska eller engelska som språk.")},
    )

    def clean_email(self) -> str:
        return BaseUserManager.normalize_email(self.cleaned_data["email"])

    def clean_mobile(self) -> str:
        value = self.cleaned_data["mobile"].strip()
        return parse_mobile(value) if value else ""

    def clean_language(self) -> str:
        return self.cleaned_data["language"] or Language.SWEDISH

    def clean_username(self) -> str:
        username = normalise_username(self.cleaned_data["username"])
        if username:
            validate_username(username)
        return username


class NewUsersBatch:
    """All marked rows of a draft, checked as one batch: shape, then every business rule.

    ``draft_rows`` maps a client id to the row's values as typed (``full_name``,
    ``email``, ``mobile``, ``username``, ``language``, ``username_auto``, ``marked``).
    Validating fills in a suggested username for each row that has none or kept the
    suggestion, writing it back into ``draft_rows`` so that the page shows it. After
    ``is_valid()``, ``errors`` maps a client id (or ``services.BATCH``) to
    ``{field: [messages]}``.
    """

    def __init__(self, draft_rows: dict[int, dict], *, accountant, firm):
        self.draft_rows = draft_rows
        self.accountant = accountant
        self.firm = firm
        self.errors: dict = {}
        self._forms: dict[int, NewUserRowForm] = {}
        # The marked rows' clients by id, as ``selectors.clients_of_rows`` reads them.
        self.clients: dict = {}

    @property
    def marked_ids(self) -> list[int]:
        return [client_id for client_id, values in self.draft_rows.items() if values.get("marked")]

    def is_valid(self, *, final: bool = False) -> bool:
        """Checks every marked row at once: the shape of each field, and the business rules
        (e-mail addresses and usernames taken or repeated, the clients' state) for every row
        whose shape is right, so that one "Granska" names every error of the batch.

        ``final``: the rows as the review showed them, about to be written by
        ``services.invite_new_users``, which checks the business rules again under lock and
        names every row that fails them. Only the shape is checked here then (and a username
        suggested where a row has none), so the submit does not ask the database twice; a
        row whose values are still exactly those that passed the review is taken as the
        review cleaned it (kept in the draft, on the server) without being parsed again.
        """
        self.errors = {}
        self._forms = {}
        self._reviewed = []
        marked = self.marked_ids
        if not marked:
            self._add(services.BATCH, "rows", _("Markera minst en rad att bjuda in."))
            return False
        if len(marked) > settings.INVITATION_BATCH_MAX_ROWS:
            self._add(services.BATCH, "rows", services.too_many_rows_error(len(marked)))
        if final and not self.errors:
            reviewed = [self.draft_rows[client_id].get(REVIEWED) for client_id in marked]
            if all(
                row and row["as_typed"] == _as_typed(self.draft_rows[client_id])
                for client_id, row in zip(marked, reviewed, strict=True)
            ):
                self._reviewed = [
                    services.NewUserRow(client_id=client_id, **row["row"])
                    for client_id, row in zip(marked, reviewed, strict=True)
                ]
                return True
        for client_id in marked:
            values = self.draft_rows[client_id]
            form = NewUserRowForm(data={field: values.get(field, "") for field in ROW_FIELDS})
            form.is_valid()
            self._forms[client_id] = form
            for field, messages in form.errors.items():
                for message in messages:
                    self._add(client_id, field, message)
        if final:
            if any(not self.draft_rows[client_id].get("username") for client_id in marked):
                self._suggest_usernames()
            return not self.errors
        self._suggest_usernames()
        self.clients = {
            client.pk: client
            for client in selectors.clients_of_rows(
                accountant=self.accountant, firm=self.firm, client_ids=marked
            )
        }
        well_formed = self._rows(only_valid=True)
        if well_formed:
            rule_errors = services.new_user_row_errors(
                accountant=self.accountant,
                firm=self.firm,
                rows=well_formed,
                count_rows=False,
                clients=self.clients,
            )
            for key, fields in rule_errors.items():
                for field, messages in fields.items():
                    for message in messages:
                        self._add(key, field, message)
        if not self.errors:
            for row in self._rows(only_valid=False):
                values = self.draft_rows[row.client_id]
                row_values = {f: getattr(row, f) for f in ("full_name", "email", "username")}
                row_values |= {"mobile": row.mobile, "language": row.language}
                values[REVIEWED] = {"as_typed": _as_typed(values), "row": row_values}
        return not self.errors

    def _suggest_usernames(self) -> None:
        wanting, reserved = [], []
        for client_id, form in self._forms.items():
            values = self.draft_rows[client_id]
            username = form.cleaned_data.get("username")
            if "full_name" not in form.cleaned_data or "username" not in form.cleaned_data:
                continue
            if username and not values.get("username_auto"):
                reserved.append(username)
                values["username"] = username  # as it will be stored: lower case
            else:
                wanting.append(client_id)
        if not wanting:
            return
        names = [self._forms[client_id].cleaned_data["full_name"] for client_id in wanting]
        shown = [self.draft_rows[client_id].get("username", "") for client_id in wanting]
        taken: set[str] = set()
        suggestions = suggest_usernames(names, reserved=reserved, preferred=shown, taken_seen=taken)
        for client_id, was, username in zip(wanting, shown, suggestions, strict=True):
            self._forms[client_id].cleaned_data["username"] = username
            values = self.draft_rows[client_id]
            values["username"] = username
            values["username_auto"] = True
            if was and normalise_username(was) != username:
                # The page showed another suggestion; the review says why it changed.
                values["username_was"] = normalise_username(was)
                values["username_was_taken"] = normalise_username(was) in taken

    def rows(self) -> list[services.NewUserRow]:
        """The rows to write; only meaningful once ``is_valid()`` returned True."""
        return self._reviewed or self._rows(only_valid=False)

    def _rows(self, *, only_valid: bool) -> list[services.NewUserRow]:
        rows = []
        for client_id, form in self._forms.items():
            if only_valid and form.errors:
                continue
            data = form.cleaned_data
            rows.append(
                services.NewUserRow(
                    client_id=client_id,
                    full_name=data["full_name"].strip(),
                    email=data["email"],
                    username=data["username"],
                    mobile=data["mobile"],
                    language=data["language"],
                )
            )
        return rows

    def _add(self, key, field: str, message) -> None:
        self.errors.setdefault(key, {}).setdefault(field, []).append(str(message))


class InvitationCorrectionForm(NewUserRowForm):
    """Correcting a pending or lapsed invitation: the same fields and checks as a row of
    step 2, without the username (it stays, since the person may already know it)."""

    username = None

    def correction(self) -> services.Correction:
        data = self.cleaned_data
        return services.Correction(
            full_name=data["full_name"].strip(),
            email=data["email"],
            mobile=data["mobile"],
            language=data["language"],
        )
