"""Small hand-written mails for the rule tests."""

from __future__ import annotations

from email.message import EmailMessage


def raw_mail(*header_lines: str, body: str = "", crlf: bool = True) -> bytes:
    """A mail exactly as written: header lines, a blank line, the body (CRLF line ends by default)."""
    text = "\n".join(header_lines) + "\n\n" + body
    return (text.replace("\n", "\r\n") if crlf else text).encode("utf-8")


def text_mail(body: str, subject: str | None = "Question", sender: str = "Jane Doe <jane@example.com>",
              **headers: str) -> bytes:
    """A plain-text mail built by the stdlib (so the MIME is correct); extra headers by keyword."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "Acme Support <support@acme.test>"
    if subject is not None:
        message["Subject"] = subject
    message["Message-ID"] = "<m1@example.com>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()
