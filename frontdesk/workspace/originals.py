"""A received payload (an email's raw bytes) as a download: plain text, never rendered, never cached."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

from frontdesk.inboxes.models import Intake

# What the browser may do with it: nothing but show it as text (a mail's HTML never runs here).
DOWNLOAD_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def original_response(intake: Intake, filename: str) -> HttpResponseBase:
    """`intake`'s payload as `filename`: from its database row, or streamed from file storage (a big one)."""
    content_type = "text/plain; charset=utf-8"
    response: HttpResponseBase
    if intake.content is not None:
        response = HttpResponse(bytes(intake.content), content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, filename)
    else:
        try:
            handle = intake.raw.open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404("This payload is missing from storage.") from None
        response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response
