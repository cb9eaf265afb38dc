"""Writes of underlag: a client user's submission, an accountant marking one handled."""

import secrets
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext, ngettext

from accounts.models import User
from bureau.models import Firm
from clients.models import ClientCompany, ClientMembership
from clients.selectors import accountant_has_right

from .accepted_files import (
    MAX_FILES_PER_SUBMISSION,
    display_name,
    problems_with,
    sniffed_content_type,
)
from .models import Document, DocumentStatus


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

    documents = []
    try:
        for upload in files:
            document = Document(
                client=client,
                uploaded_by=uploader,
                stored_token=secrets.token_urlsafe(24),
                original_name=display_name(upload.name),
                content_type=sniffed_content_type(upload),
                size=upload.size,
                comment=comment.strip(),
            )
            document.file.save(document.original_name, upload, save=False)
            documents.append(document)
        with transaction.atomic():
            return Document.objects.bulk_create(documents)
    except Exception:
        for document in documents:
            document.file.delete(save=False)
        raise


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
