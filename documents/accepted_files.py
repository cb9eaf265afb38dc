"""Which files count as underlag: PDF, JPEG, PNG and HEIC, recognised by their content.

The name a file arrives with proves nothing (a renamed .exe is still an .exe), so the type
is read from the file's first bytes with ``filetype``; the stored content type is that one.
"""

import unicodedata
from pathlib import PurePosixPath
from typing import NamedTuple

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
# The one extension a document of each type is stored and served under, whatever it was
# called when it arrived: a PDF named faktura.html downloads as faktura.pdf.
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/heic": ".heic",
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


def display_name(name: str) -> str:
    """The name a file arrived with, made safe to show: no folders, no control or format
    characters (a right-to-left override can make "fdp.exe" read as "exe.pdf"), no
    surrounding dots or spaces, at most 255 characters."""
    name = PurePosixPath(name.replace("\\", "/")).name
    name = "".join(
        " " if unicodedata.category(character) in {"Cc", "Zl", "Zp"} else character
        for character in name
        if unicodedata.category(character) != "Cf"
    )
    name = " ".join(name.split()).strip(". ")
    return name[:255] or "underlag"


def download_name(name: str, content_type: str) -> str:
    """The file name a document is served under: its display name's stem with the
    extension of the type found in its content, never the one it arrived with."""
    stem = PurePosixPath(display_name(name)).stem.strip(". ") or "underlag"
    extension = EXTENSIONS[content_type]
    return stem[: 255 - len(extension)] + extension


class FileProblem(NamedTuple):
    """What is wrong with one file, as a kind and its figures, so that a stored record (an
    e-mailed attachment's refusal) can be told in the reader's language later."""

    kind: str  # "empty", "too_large" or "type"
    size: int = 0
    max_size: int = 0


def file_problem(upload) -> FileProblem | None:
    """The one check of every file that may become underlag, uploaded or e-mailed: not
    empty, at most DOCUMENT_MAX_BYTES, an accepted type by its content."""
    if upload.size == 0:
        return FileProblem("empty")
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        return FileProblem("too_large", upload.size, settings.DOCUMENT_MAX_BYTES)
    if sniffed_content_type(upload) is None:
        return FileProblem("type")
    return None


def describe_file_problem(name: str, problem: FileProblem) -> str:
    """The problem as a sentence naming the file, in the active language."""
    if problem.kind == "empty":
        return gettext("%(name)s: filen är tom.") % {"name": name}
    if problem.kind == "too_large":
        return gettext("%(name)s: filen är %(size)s, största tillåtna storlek är %(max)s.") % {
            "name": name,
            "size": filesizeformat(problem.size),
            "max": filesizeformat(problem.max_size),
        }
    return gettext(
        "%(name)s: filens innehåll är inte PDF, JPEG, PNG eller HEIC. "
        "Skicka kvitton och fakturor som PDF eller bild."
    ) % {"name": name}


def problems_with(upload) -> list[str]:
    """What is wrong with one uploaded file, as sentences naming it; empty when it is fine."""
    problem = file_problem(upload)
    return [] if problem is None else [describe_file_problem(upload.name, problem)]
