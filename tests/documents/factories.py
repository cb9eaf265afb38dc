import struct
import zlib

import factory
from django.core.files.base import ContentFile

from documents.models import Document
from tests.accounts.factories import UserFactory
from tests.clients.factories import ClientCompanyFactory


def tiny_pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def tiny_png() -> bytes:
    """A valid 1×1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def tiny_jpeg() -> bytes:
    """The start of a JFIF file (SOI + APP0) and its end marker: what a camera writes first."""
    return (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + b"\x00" * 64
        + b"\xff\xd9"
    )


def tiny_heic() -> bytes:
    """An ISO-BMFF ``ftyp`` box with the HEIC brand, as an iPhone photo starts."""
    ftyp = b"ftyp" + b"heic" + b"\x00\x00\x00\x00" + b"mif1heic"
    return struct.pack(">I", len(ftyp) + 4) + ftyp + b"\x00" * 64


def zip_archive() -> bytes:
    return b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 64


def windows_program() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 128


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    client = factory.SubFactory(ClientCompanyFactory)
    uploaded_by = factory.SubFactory(UserFactory)
    stored_token = factory.Sequence(lambda n: f"token{n:08d}")
    original_name = factory.Sequence(lambda n: f"kvitto-{n}.pdf")
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda o: len(tiny_pdf()))
    file = factory.LazyAttribute(lambda o: ContentFile(tiny_pdf(), name=o.original_name))
