"""A message's outcome told in the reader's language, from its reason and the figures kept
with it (never a stored sentence, so the English pages say it in English)."""

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext, ngettext

from documents.accepted_files import FileProblem, describe_file_problem

from .models import InboundMessage, Reason


def why(message: InboundMessage) -> str:
    """One sentence: why the message got its outcome."""
    details = message.details or {}
    reason = message.reason
    if reason == Reason.TOO_LARGE:
        return gettext("Mejlet är %(size)s, största tillåtna storlek är %(max)s.") % {
            "size": filesizeformat(details.get("size", message.size)),
            "max": filesizeformat(details.get("max", 0)),
        }
    if reason == Reason.TOO_MANY_ATTACHMENTS:
        return gettext(
            "Mejlet har %(count)d bilagor; högst %(max)d tas emot i ett mejl. Skicka dem i "
            "flera mejl."
        ) % {"count": details.get("count", 0), "max": details.get("max", 0)}
    if reason == Reason.DAILY_LIMIT:
        return ngettext(
            "Klienten har redan fått %(max)d mejl i dag, gränsen per dag.",
            "Klienten har redan fått %(max)d mejl i dag, gränsen per dag.",
            details.get("max", 0),
        ) % {"max": details.get("max", 0)}
    if reason == Reason.ADDRESS_REPLACED:
        return gettext("Adressen är ersatt av en ny och tar inte längre emot underlag.")
    if reason == Reason.UNKNOWN_ADDRESS:
        return gettext("Ingen klient har den här adressen.")
    if reason == Reason.BROKEN_MIME:
        return gettext("Mejlet är trasigt (ofullständig MIME) och gick inte att läsa.")
    if reason == Reason.AUTHENTICATION_FAILED:
        return gettext(
            "Avsändarens domän styrker inte att mejlet kommer därifrån (SPF, DKIM eller "
            "DMARC misslyckades). Avsändaren kan vara förfalskad."
        )
    if reason == Reason.SPAM:
        return gettext("Mejlet bedömdes som skräppost när det togs emot.")
    if reason == Reason.UNKNOWN_SENDER:
        return gettext("Avsändaren är inte en av klientens användare och inte betrodd.")
    if reason == Reason.NO_ACCEPTED_FILES:
        return gettext("Ingen av bilagorna kunde tas emot.")
    if reason == Reason.REJECTED_BY_FIRM:
        return gettext("Byrån avvisade mejlet.")
    if reason == Reason.APPROVED:
        return gettext("Byrån godkände mejlet.")
    if reason == Reason.CLIENT_USER:
        return gettext("Från en av klientens användare.")
    if reason == Reason.TRUSTED_SENDER:
        return gettext("Från en betrodd avsändare.")
    if reason == Reason.TRUSTED_DOMAIN:
        return gettext("Från en betrodd domän.")
    return ""


def file_notes(message: InboundMessage) -> list[str]:
    """What happened to single files: refused attachments (with the upload's own sentence),
    damaged ones, skipped signature images, repeated files, the mail kept as a PDF."""
    details = message.details or {}
    notes = [
        describe_file_problem(
            refused["name"],
            FileProblem(refused["kind"], refused.get("size", 0), refused.get("max_size", 0)),
        )
        for refused in details.get("refused", [])
    ]
    notes += [
        gettext("%(name)s: bilagan är skadad och gick inte att läsa.") % {"name": name}
        for name in details.get("damaged", [])
    ]
    if details.get("skipped_inline"):
        notes.append(
            ngettext(
                "%(count)d liten bild i mejlet (logotyp eller signatur) hoppades över.",
                "%(count)d små bilder i mejlet (logotyper eller signaturer) hoppades över.",
                details["skipped_inline"],
            )
            % {"count": details["skipped_inline"]}
        )
    if details.get("duplicates"):
        notes.append(
            ngettext(
                "%(count)d fil fanns två gånger i mejlet och sparades en gång.",
                "%(count)d filer fanns två gånger i mejlet och sparades en gång.",
                details["duplicates"],
            )
            % {"count": details["duplicates"]}
        )
    if details.get("as_pdf") and details.get("documents"):
        notes.append(gettext("Mejlet hade ingen bilaga och sparades som PDF."))
    return notes
