"""Uploads of the wizard's spreadsheets, bounded while they arrive.

Django would write an upload of any size to a temporary file before a view could look at
its size. ``bounded_uploads`` puts a handler first that stops taking a file once it passes
``spreadsheets.MAX_UPLOAD_BYTES``: the rest of the file is read past and dropped, and the
view finds the field's name in ``request.uploads_too_big`` to say so next to the upload.
(A proxy in front should still cap the whole request; see the README.)
"""

from functools import wraps

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from operations.middleware import refuse_nul_characters

from .spreadsheets import MAX_UPLOAD_BYTES


class SizeLimitedUploadHandler(FileUploadHandler):
    def __init__(self, request, max_bytes: int = MAX_UPLOAD_BYTES):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0
        request.uploads_too_big = set()

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.request.uploads_too_big.add(self.field_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler keeps the file


def bounded_uploads(*, pasted: tuple[str, ...] = ()):
    """Wraps a view that takes uploads: the size limit applies before the CSRF check reads
    the body (which is why the check is made here, around the view, instead of by the
    middleware), and so does the check for NUL characters in the form, except in the
    ``pasted`` fields, whose binary data the view names next to the field itself."""

    def decorate(view):
        @csrf_protect
        def checked(request, *args, **kwargs):
            # The middleware left the body to this view: read by now, within the limit.
            refuse_nul_characters(request, except_fields=pasted)
            return view(request, *args, **kwargs)

        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            request.upload_handlers.insert(0, SizeLimitedUploadHandler(request))
            return checked(request, *args, **kwargs)

        return wrapper

    return decorate
