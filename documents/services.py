"""Writes of underlag: a client user's submission, an accountant marking one handled."""

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext, ngettext

from accounts.models import User
from bureau.models import Firm
from clients.models import ClientCompany, ClientMembership
from clients.selectors import accountant_has_right

from .accepted_files import (
    MAX_FILES_PER_SUBMISSION,
    FileProblem,
    display_name,
    file_problem,
    problems_with,
    sniffed_content_type,
)
from .models import Document, DocumentOrigin, DocumentStatus


def submit_documents(
    *, uploader: User, client: ClientCompany, files: list[UploadedFile], comment: str = ""
) -> list[Document]:
    """Stores every file of one submission as a Document of ``client``, or none of them.

    Guarantees: ``uploader`` is one of the client's own users (else PermissionDenied); the
    whole submission is checked first (type by content, size, count) and a ValidationError
    lists each bad file; files go through Django's storage under an unguessable name whose
    extension is the detected type's (the sender's name is kept, sanitised, for display), and
    if anything fails after the first write, the files already written are deleted again.
    """
    if not ClientMembership.objects.filter(user=uploader, client=client).exists():
        raise PermissionDenied
    if not files:
        raise ValidationError(gettext("Välj minst en fil att skicka."))
    if len(files) > MAX_FILES_PER_SUBMISSION:
        raise ValidationError(
            ngettext(
                "Skicka högst %(max)d fil åt gången.",
                "Skicka högst %(max)d filer åt gången.",
                MAX_FILES_PER_SUBMISSION,
            )
            % {"max": MAX_FILES_PER_SUBMISSION}
        )
    problems = [problem for upload in files for problem in problems_with(upload)]
    if problems:
        raise ValidationError(problems)

    return _store(
        client=client,
        uploaded_by=uploader,
        files=files,
        comment=comment.strip(),
        origin=DocumentOrigin.UPLOAD,
    )


@dataclass
class EmailedDocuments:
    documents: list[Document]
    # (file name, what is wrong with it) for each attachment that was not taken
    refused: list[tuple[str, FileProblem]]


def documents_from_email(
    *,
    client: ClientCompany,
    sender: User | None,
    sender_address: str,
    subject: str,
    files: list[File],
) -> EmailedDocuments:
    """Stores each acceptable attachment of one e-mail as a Document of ``client``.

    Each file passes exactly the checks of an upload (``accepted_files.file_problem``: not
    empty, size, type by content); those that fail are returned with their problem and
    stored nowhere. The subject becomes the comment, the sender's address the origin;
    ``sender`` is the client's user who sent it, if it was one. Who may send is the caller's
    rule (inbound). All the documents or none: a failure while storing removes what was
    written.
    """
    accepted, refused = [], []
    for upload in files:
        problem = file_problem(upload)
        if problem is None:
            accepted.append(upload)
        else:
            refused.append((display_name(upload.name), problem))
    documents = _store(
        client=client,
        uploaded_by=sender,
        files=accepted,
        comment=" ".join(subject.split())[:1000],
        origin=DocumentOrigin.EMAIL,
        origin_address=sender_address[:320],
    )
    return EmailedDocuments(documents=documents, refused=refused)


def _store(
    *,
    client: ClientCompany,
    uploaded_by: User | None,
    files: list[File],
    comment: str,
    origin: str,
    origin_address: str = "",
) -> list[Document]:
    documents = []
    try:
        for upload in files:
            documents.append(
                _stored(
                    uploaded_by=uploaded_by,
                    client=client,
                    upload=upload,
                    comment=comment,
                    origin=origin,
                    origin_address=origin_address,
                )
            )
        # All rows or none; inside a caller's transaction no savepoint of its own (two
        # round trips per inbound message): a failure here fails the caller's transaction.
        with transaction.atomic(savepoint=False):
            return Document.objects.bulk_create(documents)
    except Exception:
        for document in documents:
            document.file.delete(save=False)
        raise


def _stored(
    *,
    uploaded_by: User | None,
    client: ClientCompany,
    upload: File,
    comment: str,
    origin: str,
    origin_address: str = "",
    upload_id=None,
) -> Document:
    """An unsaved Document whose file is already in storage under an unguessable name."""
    document = Document(
        client=client,
        uploaded_by=uploaded_by,
        stored_token=secrets.token_urlsafe(24),
        original_name=display_name(upload.name),
        content_type=sniffed_content_type(upload),
        size=upload.size,
        comment=comment,
        origin=origin,
        origin_address=origin_address,
        upload_id=upload_id,
    )
    document.file.save(document.original_name, upload, save=False)
    return document


def mark_handled(*, accountant: User, firm: Firm, document_id: int, now: datetime) -> bool:
    """Marks one received document handled by ``accountant``; True if this call did it.

    Only a document of ``firm`` on a client the accountant has a right on; the UPDATE is
    conditional on the status, so two accountants clicking at once record one of them.
    """
    updated = (
        Document.objects.filter(pk=document_id, client__firm=firm, status=DocumentStatus.RECEIVED)
        .filter(accountant_has_right(accountant, client="client"))
        .update(status=DocumentStatus.HANDLED, handled_by=accountant, handled_at=now)
    )
    return updated == 1


def submit_document_once(
    *,
    uploader: User,
    client: ClientCompany,
    upload: UploadedFile,
    upload_id: uuid.UUID,
    comment: str = "",
) -> tuple[Document, bool]:
    """Stores one file the client's app sent, once per ``upload_id``; returns the Document
    and whether this call created it.

    The app gives every file an id on the phone and sends it again until it hears back, so
    the same id may arrive twice, even at the same moment: the database's unique constraint
    on (uploader, upload_id) lets one of them write, and the other gets the stored row back
    (its own copy of the file is deleted again). The file is judged exactly as in
    ``submit_documents``; ValidationError names it.
    """
    if not ClientMembership.objects.filter(user=uploader, client=client).exists():
        raise PermissionDenied
    earlier = Document.objects.filter(uploaded_by=uploader, upload_id=upload_id).first()
    if earlier is not None:
        return earlier, False
    problems = problems_with(upload)
    if problems:
        raise ValidationError(problems)
    document = _stored(
        uploaded_by=uploader,
        client=client,
        upload=upload,
        comment=comment.strip(),
        origin=DocumentOrigin.UPLOAD,
        upload_id=upload_id,
    )
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        document.file.delete(save=False)
        earlier = Document.objects.filter(uploaded_by=uploader, upload_id=upload_id).first()
        if earlier is None:
            raise
        return earlier, False
    except Exception:
        document.file.delete(save=False)
        raise
    return document, True
