"""A mail without attachments is kept as underlag of its own: rendered to a PDF (fpdf2).

A PDF, because then it is underlag like any other: the same content check, the same
download, a file the accountant's bookkeeping system takes. The mail's HTML is never rendered,
only its text, so nothing in it can run or fetch anything.
"""

import textwrap

from anyascii import anyascii

# A mail's text beyond this is cut (with a note): a receipt is never that long.
MAX_TEXT_CHARACTERS = 50_000
# Courier 9 pt is 1.9 mm a character: 94 of them fill the 180 mm between the margins.
_SIZE = 9
_COLUMNS = 94
_LINE = 4.2
_LABEL_WIDTH = 14 * 1.905


def _printable(text: str) -> str:
    # The PDF's built-in Courier covers Latin-1 (å, ä, ö, é, ü); anything else is
    # transliterated rather than dropped (ł → l, emoji → their names).
    return "".join(
        character
        if character in "\n\t" or (" " <= character <= "\xff" and not "\x7f" <= character <= "\x9f")
        else anyascii(character)
        for character in text
    )


def _lines(text: str, width: int) -> list[str]:
    lines = []
    for paragraph in text.splitlines() or [""]:
        wrapped = textwrap.wrap(
            paragraph.expandtabs(4), width=width, break_long_words=True, replace_whitespace=False
        )
        lines.extend(wrapped or [""])
    return lines


def mail_as_pdf(*, headers: list[tuple[str, str]], text: str) -> bytes:
    """The PDF of one mail: its headers (label, value), then its text, in a fixed-width font
    wrapped here (fpdf2's own line breaking costs far more for a long mail)."""
    # Imported here: fpdf2 and its fontTools weigh about 44 MiB in every process that imports
    # them, and only a mail without attachments needs them (issue 11: worker memory).
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(_printable(dict(headers).get("Ämne", "") or "E-post"))
    pdf.add_page()
    for label, value in headers:
        for number, line in enumerate(_lines(_printable(value) or "-", _COLUMNS - 14)):
            pdf.set_font("Courier", style="B", size=_SIZE)
            pdf.cell(_LABEL_WIDTH, _LINE, _printable(label) if number == 0 else "")
            pdf.set_font("Courier", size=_SIZE)
            pdf.cell(0, _LINE, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(_LINE)
    body = text.strip()
    if len(body) > MAX_TEXT_CHARACTERS:
        body = body[:MAX_TEXT_CHARACTERS] + "\n\n[...]"
    pdf.set_font("Courier", size=_SIZE)
    for line in _lines(_printable(body), _COLUMNS):
        pdf.cell(0, _LINE, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
