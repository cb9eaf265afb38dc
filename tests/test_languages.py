"""English, the second language: chosen in the header, or per client user for invitations.

The msgids are Swedish; locale/en holds the English catalogue, committed compiled too.
"""

import ast
import gettext
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import ngettext
from django.utils.translation.template import templatize

from invitations.delivery.messages import invitation_email, invitation_sms
from tests.clients.factories import ClientCompanyFactory
from tests.invitations.factories import DeliveryFactory, message_delivery

BASE_DIR = Path(settings.BASE_DIR)
CATALOGUE = BASE_DIR / "locale" / "en" / "LC_MESSAGES"


def choose_language(http, language: str, next_url: str):
    """What the header's language menu posts; returns the page it leads back to."""
    response = http.post("/i18n/setlang/", {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response.url == next_url
    return http.get(next_url)


@pytest.mark.django_db
def test_english_from_the_menu_turns_the_header_and_client_list_into_english(
    accountant_client, firm
):
    ClientCompanyFactory(firm=firm)

    html = choose_language(accountant_client, "en", "/klienter/").content.decode()

    assert '<html lang="en">' in html
    assert "Manage clients" in html
    assert "Invite client users" in html
    assert "1 client" in html
    assert "Hantera klienter" not in html

    html = choose_language(accountant_client, "sv", "/klienter/").content.decode()
    assert "Hantera klienter" in html
    assert "Manage clients" not in html


@pytest.mark.django_db
def test_swedish_plurals_need_no_catalogue_of_their_own(accountant_client, firm):
    ClientCompanyFactory(firm=firm)
    assert "1 klient\n" in accountant_client.get("/klienter/").content.decode()
    ClientCompanyFactory(firm=firm)
    assert "2 klienter" in accountant_client.get("/klienter/").content.decode()
    with translation.override("sv"):
        for count, text in [(0, "0 klienter"), (1, "1 klient"), (21, "21 klienter")]:
            assert (
                ngettext("%(count)s klient", "%(count)s klienter", count) % {"count": count} == text
            )


@pytest.mark.django_db
def test_the_wizards_first_step_in_english(accountant_client):
    html = choose_language(accountant_client, "en", "/inbjudningar/bjud-in/").content.decode()

    assert "What do you want to do?" in html
    assert "Add new users and invite them" in html
    assert "Invite existing users" in html
    assert ">Next</button>" in html
    assert "Vad vill du göra?" not in html


@pytest.mark.django_db
def test_the_login_page_in_english_with_its_error(client, accountant):
    html = choose_language(client, "en", "/logga-in/").content.decode()
    assert "<h1>Log in</h1>" in html
    assert "Username" in html and "Password" in html

    response = client.post("/logga-in/", {"username": accountant.username, "password": "wrong"})
    assert "Incorrect username or password." in response.content.decode()


@pytest.mark.django_db
def test_a_form_error_in_english(accountant_client):
    choose_language(accountant_client, "en", "/klienter/ny/")

    response = accountant_client.post("/klienter/ny/", {"name": "", "org_number": "12345"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "The client could not be created. Correct what is marked." in html
    assert "Enter the client company&#x27;s name." in html
    assert "Enter the organisation number as NNNNNN-NNNN (ten digits)." in html


@pytest.mark.django_db
def test_a_client_user_with_english_gets_the_invitation_email_in_english():
    # The accountant's request runs in Swedish; the message follows the invited user.
    with translation.override("sv"):
        message = invitation_email(message_delivery(channel="email", language="en"))

    html = message.alternatives[0].content
    assert message.subject == "Räkna Rätt AB has invited you to Byråportalen"
    assert "Hello Maja Månsson!" in message.body
    assert "Olle Konsult at Räkna Rätt AB has created an account for you" in message.body
    assert "Your username: maja.mansson" in message.body
    assert "add Byråportalen to the home screen as an app" in message.body
    assert "The link is valid up to and including 15 Oct 2026" in message.body
    assert "Any questions? Reply to this e-mail to reach Räkna Rätt AB." in message.body
    assert "Choose a password and activate your account" in html
    for body in (message.body, html):
        assert not re.search(r"\b(har|och|för|till|dig|ditt)\b", body), body


@pytest.mark.django_db
def test_an_english_reminder_and_sms():
    reminder_delivery = message_delivery(channel="email", language="en", purpose="reminder")
    sms_delivery = DeliveryFactory(
        invitation=reminder_delivery.invitation, channel="sms", recipient="+46705556677"
    )
    with translation.override("sv"):
        reminder = invitation_email(reminder_delivery)
        sms = invitation_sms(sms_delivery)

    assert reminder.subject == "Reminder: Räkna Rätt AB has invited you to Byråportalen"
    assert "This is a reminder: Olle Konsult at Räkna Rätt AB" in reminder.body
    assert sms.body.startswith(
        "Räkna Rätt AB has invited you to Byråportalen. Open the link on your phone and choose a "
        "password by 15 Oct 2026; then you can add the app to your home screen: http"
    )


@pytest.mark.django_db
def test_a_swedish_client_user_still_gets_swedish_when_the_sender_uses_english():
    with translation.override("en"):
        sms = invitation_sms(message_delivery(channel="sms", language="sv"))
    assert sms.body.startswith("Räkna Rätt AB har bjudit in dig till Byråportalen.")


# --- The catalogue ----------------------------------------------------------------------------


def _po_entries(path: Path) -> list[dict]:
    """The live entries of a .po file: flags, msgctxt, msgid(_plural) and msgstr(s)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry = {"flags": set(), "msgstr": []}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                value = ast.literal_eval(line)
                if key == "msgstr":
                    entry["msgstr"][-1] += value
                else:
                    entry[key] += value
            else:
                key, _, literal = line.partition(" ")
                value = ast.literal_eval(literal)
                if key.startswith("msgstr"):
                    key = "msgstr"
                    entry["msgstr"].append(value)
                else:
                    entry[key] = value
        if entry.get("msgid"):
            entries.append(entry)
    return entries


def test_every_english_entry_is_translated_and_none_is_fuzzy():
    entries = _po_entries(CATALOGUE / "django.po")

    assert len(entries) > 300
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"]) or not e["msgstr"]]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == [], "run `make messages` and translate these in locale/en"
    assert fuzzy == [], "check these translations and remove their #, fuzzy"
    # xgettext does not decode Python's \u escapes: such a msgid would never be looked up.
    assert [e["msgid"] for e in entries if "\\u" in e["msgid"]] == []


def test_the_committed_mo_says_what_the_po_says():
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)

    stale = []
    plurals = 0
    for entry in _po_entries(CATALOGUE / "django.po"):
        msgid, context = entry["msgid"], entry.get("msgctxt")
        if "msgid_plural" in entry:
            # English has two forms: msgstr[0] for one, msgstr[1] for every other count.
            assert len(entry["msgstr"]) == 2, msgid
            plurals += 1
            for count, expected in ((1, entry["msgstr"][0]), (2, entry["msgstr"][1])):
                found = (
                    catalogue.npgettext(context, msgid, entry["msgid_plural"], count)
                    if context
                    else catalogue.ngettext(msgid, entry["msgid_plural"], count)
                )
                if found != expected:
                    stale.append(f"{msgid} (n={count})")
        else:
            found = catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)
            if found != entry["msgstr"][0]:
                stale.append(msgid)
    assert plurals > 10
    assert stale == [], "run `manage.py compilemessages --ignore=.venv` and commit the .mo"


# The translation calls of the code (what makemessages extracts), by (context, msgid).
GETTEXT_CALLS = {
    name: (0, None)
    for name in ("gettext", "gettext_lazy", "_", "gettext_noop", "ngettext", "ngettext_lazy")
} | {name: (1, 0) for name in ("pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy")}


def _python_msgids(source: str) -> set[tuple[str, str]]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in GETTEXT_CALLS:
            continue
        msgid_at, context_at = GETTEXT_CALLS[name]
        args = node.args
        if len(args) > msgid_at and isinstance(args[msgid_at], ast.Constant):
            context = args[context_at].value if context_at is not None else ""
            found.add((context, args[msgid_at].value))
    return found


def _template_msgids(source: str, origin: str) -> set[tuple[str, str]]:
    found = set()
    literal = r"u'((?:[^'\\]|\\.)*)'"
    for call in re.finditer(
        rf"\b(n?p?gettext)\({literal}(?:, {literal})?", templatize(source, origin)
    ):
        name, first, second = call.groups()
        texts = [ast.literal_eval(f"'{text}'") for text in (first, second) if text is not None]
        found.add(
            (texts[0], texts[1]) if name.startswith(("pgettext", "npgettext")) else ("", texts[0])
        )
    return found


def _code_msgids() -> set[tuple[str, str]]:
    """Like makemessages: Python anywhere, templates' .html and .txt; not tests or .venv."""
    skip = {".venv", ".git", "tests", "var", "migrations", "node_modules", "__pycache__"}
    found = set()
    for folder, subfolders, files in os.walk(BASE_DIR):
        subfolders[:] = [name for name in subfolders if name not in skip]
        for name in files:
            path = Path(folder) / name
            relative = path.relative_to(BASE_DIR)
            if path.suffix == ".py":
                found |= _python_msgids(path.read_text(encoding="utf-8"))
            elif path.suffix in (".html", ".txt") and relative.parts[0] == "templates":
                found |= _template_msgids(path.read_text(encoding="utf-8"), str(relative))
    return found


def test_every_text_of_the_code_is_in_the_english_catalogue():
    catalogue = {(e.get("msgctxt", ""), e["msgid"]) for e in _po_entries(CATALOGUE / "django.po")}

    code = _code_msgids()

    assert ("", "Hantera klienter") in code and ("", "Ditt användarnamn") in code
    assert sorted(code - catalogue) == [], "run `make messages` and translate them in locale/en"
