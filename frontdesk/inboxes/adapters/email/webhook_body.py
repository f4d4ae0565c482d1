"""Reading a provider's webhook body under the mail size limit rather than Django's request limit.

Django refuses form fields and JSON bodies over DATA_UPLOAD_MAX_MEMORY_SIZE (2 MB here), which suits the API
but would refuse every mail over about 2 MB that a provider posts as one field (Mailgun's `body-mime`,
SendGrid's raw `email`, Postmark's JSON with its attachments): the provider would retry and then drop it. For
the inbound webhooks alone the body is read up to the mail size limit (plus base64 overhead), and a multipart
body is parsed here, so that anymail finds `request.body`, `request.POST` and `request.FILES` ready.
"""

from __future__ import annotations

import email.policy
import os
from email.parser import BytesParser
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.datastructures import MultiValueDict


def payload_limit() -> int:
    # Attachments travel base64-encoded (4/3), plus the rest of the form or JSON.
    return int(settings.EMAIL_MAX_BYTES) * 4 // 3 + 1_000_000


def preload(request: HttpRequest) -> HttpResponse | None:
    """Read the body (and parse a multipart one); an answer when it must be refused, else None."""
    limit = payload_limit()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        return HttpResponse("The message is too big.\n", status=413, content_type="text/plain")
    body = request.read(limit + 1)
    if len(body) > limit:
        return HttpResponse("The message is too big.\n", status=413, content_type="text/plain")
    request._body = body  # type: ignore[attr-defined]  # what request.body returns from now on
    if request.content_type == "multipart/form-data":
        try:
            post, files = parse_multipart(request.META.get("CONTENT_TYPE", ""), body, request.encoding)
        except ValueError:
            return HttpResponse("Unreadable form data.\n", status=400, content_type="text/plain")
        request._post, request._files = post, files  # type: ignore[attr-defined]
    return None


def parse_multipart(content_type: str, body: bytes, encoding: str | None) -> tuple[QueryDict, MultiValueDict[str, Any]]:
    """multipart/form-data (RFC 7578) into Django's POST and FILES shapes."""
    head = b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n"
    message: Any = BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise ValueError("not a multipart body")
    post = QueryDict(mutable=True, encoding=encoding)
    files: MultiValueDict[str, Any] = MultiValueDict()
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or not name:
            continue
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is None:
            post.appendlist(name, data.decode(part.get_content_charset() or encoding or "utf-8", "replace"))
        else:
            safe = os.path.basename(str(filename).replace("\\", "/")) or "attachment"
            files.appendlist(name, SimpleUploadedFile(safe, data, part.get_content_type()))
    post._mutable = False
    return post, files
