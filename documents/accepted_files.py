"""Which files count as underlag: PDF, JPEG, PNG and HEIC, recognised by their content.

The name a file arrives with proves nothing (a renamed .exe is still an .exe), so the type
is read from the file's first bytes with ``filetype``; the stored content type is that one.
"""

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

ACCEPTED_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/heic": "HEIC",
}
# For the file picker only; the server decides by content.
ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,.heic," + ",".join(ACCEPTED_TYPES)
MAX_FILES_PER_SUBMISSION = 20
_SNIFF_BYTES = 8192


def sniffed_content_type(upload) -> str | None:
    """The accepted content type the file's bytes show, or None for anything else."""
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ACCEPTED_TYPES:
        return None
    return kind.mime


def problems_with(upload) -> list[str]:
    """What is wrong with one uploaded file, as sentences naming it; empty when it is fine."""
    name = upload.name
    if upload.size == 0:
        return [gettext("%(name)s: filen är tom.") % {"name": name}]
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        return [
            gettext("%(name)s: filen är %(size)s, största tillåtna storlek är %(max)s.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(settings.DOCUMENT_MAX_BYTES),
            }
        ]
    if sniffed_content_type(upload) is None:
        return [
            gettext(
                "%(name)s: filens innehåll är inte PDF, JPEG, PNG eller HEIC. "
                "Skicka kvitton och fakturor som PDF eller bild."
            )
            % {"name": name}
        ]
    return []
