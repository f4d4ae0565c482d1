from __future__ import annotations

import struct
from email.message import EmailMessage

from frontdesk.inboxes.adapters.email.parsing import parse_email

from .builders import raw_mail, text_mail


def test_alternative_gives_text_and_html_as_sent():
    # given a text + HTML mail
    message = EmailMessage()
    message["From"] = "jane@example.com"
    message["Subject"] = "Hello"
    message.set_content("Hello in text")
    message.add_alternative("<p onclick='x()'>Hello <b>in</b> HTML</p>", subtype="html")
    # when parsed
    parsed = parse_email(message.as_bytes())
    # then the text is the text part and the HTML is kept unsanitised (the pipeline sanitises)
    assert parsed.text.strip() == "Hello in text"
    assert "onclick" in parsed.html
    assert parsed.attachments == []


def test_line_ends_are_newlines_whatever_the_wire_carried():
    # given the same mail as SMTP carries it (CRLF), quoted-printable, and one whose client wrote lone CRs
    message = EmailMessage()
    message["From"] = "jane@example.com"
    message["Subject"] = "Lines"
    message.set_content("First line\nSecond line\n\nGrüße", cte="quoted-printable")
    message.add_alternative("<p>First</p>\n<p>Second</p>", subtype="html")
    crlf = message.as_bytes().replace(b"\n", b"\r\n")
    lone_cr = b"From: jane@example.com\r\nSubject: Old Mac\r\n\r\nFirst line\rSecond line\r"
    # when parsed, then the texts have "\n" line ends only
    parsed = parse_email(crlf)
    assert parsed.text.strip() == "First line\nSecond line\n\nGrüße" and "\r" not in parsed.html
    assert parse_email(lone_cr).text.strip() == "First line\nSecond line"


def test_html_only_mail_gets_text_derived_from_html():
    # given an HTML-only mail with a Gmail quote container
    html = (
        "<div>Thanks, it works now!</div>"
        "<div class='gmail_quote'>On Mon, Jane wrote:<blockquote>old</blockquote></div>"
    )
    mail = raw_mail("From: a@example.com", "Content-Type: text/html; charset=utf-8", body=html)
    # when parsed
    parsed = parse_email(mail)
    # then text comes from the HTML and the visible text stops before the quote
    assert "Thanks, it works now!" in parsed.text
    assert parsed.visible_text == "Thanks, it works now!"


def test_inline_image_and_attachment_with_rfc2231_filename():
    # given a related HTML with a cid: image and an attachment whose name is RFC 2231 encoded
    mail = raw_mail(
        "From: a@example.com",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="outer"',
        body=(
            "--outer\n"
            'Content-Type: multipart/related; boundary="rel"\n\n'
            "--rel\nContent-Type: text/html; charset=utf-8\n\n<p>See <img src=\"cid:logo123@acme\"></p>\n"
            "--rel\nContent-Type: image/png\nContent-ID: <logo123@acme>\nContent-Transfer-Encoding: base64\n\n"
            "iVBORw0KGgo=\n--rel--\n"
            "--outer\n"
            "Content-Type: application/pdf\n"
            "Content-Disposition: attachment; filename*=utf-8''Facture%20n%C2%B012.pdf\n"
            "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQ=\n"
            "--outer--\n"
        ),
    )
    # when parsed
    parsed = parse_email(mail)
    # then the image is inline with its content-id without <>, the PDF has its decoded name
    image, pdf = parsed.attachments
    assert (image.content_id, image.is_inline, image.content_type) == ("logo123@acme", True, "image/png")
    assert image.content.startswith(b"\x89PNG")
    assert (pdf.filename, pdf.is_inline, pdf.content) == ("Facture n°12.pdf", False, b"%PDF-1.4")


def test_attached_message_is_an_eml_attachment():
    # given a mail with a message/rfc822 part
    inner = text_mail("Original text", subject="Original subject", sender="Bob <bob@example.org>")
    outer = EmailMessage()
    outer["From"] = "jane@example.com"
    outer["Subject"] = "Look at this"
    outer.set_content("See attached.")
    outer.add_attachment(inner, maintype="message", subtype="rfc822")
    # when parsed
    parsed = parse_email(outer.as_bytes())
    # then it is listed as an .eml attachment whose bytes parse again
    (attachment,) = parsed.attachments
    assert attachment.content_type == "message/rfc822"
    assert attachment.filename == "Original subject.eml"
    assert parse_email(attachment.content).subject == "Original subject"


def test_calendar_invite_is_an_attachment_flagged_as_calendar():
    # given an Outlook-style invite: text, HTML and text/calendar as alternatives
    mail = raw_mail(
        "From: a@example.com",
        'Content-Type: multipart/alternative; boundary="b"',
        body=(
            "--b\nContent-Type: text/plain\n\nMeeting on Friday\n"
            "--b\nContent-Type: text/html\n\n<p>Meeting on Friday</p>\n"
            "--b\nContent-Type: text/calendar; method=REQUEST; charset=utf-8\n\nBEGIN:VCALENDAR\nEND:VCALENDAR\n"
            "--b--\n"
        ),
    )
    # when parsed
    parsed = parse_email(mail)
    # then the body is there and the invite is a calendar attachment
    assert parsed.text.strip() == "Meeting on Friday"
    (invite,) = parsed.attachments
    assert (invite.is_calendar, invite.filename, invite.content_type) == (True, "invite.ics", "text/calendar")


def _tnef_object(level: int, name: int, kind: int, data: bytes) -> bytes:
    return struct.pack("<BHHI", level, name, kind, len(data)) + data + struct.pack("<H", sum(data) & 0xFFFF)


def _winmail(body: bytes, files: dict[str, bytes]) -> bytes:
    blob = struct.pack("<IH", 0x223E9F78, 1)
    blob += _tnef_object(1, 0x800C, 0x0002, body)  # message body
    for name, content in files.items():
        blob += _tnef_object(2, 0x9002, 0x0006, b"\x01\x00" + b"\x00" * 12)  # starts an attachment
        blob += _tnef_object(2, 0x8010, 0x0001, name.encode() + b"\x00")  # its title
        blob += _tnef_object(2, 0x800F, 0x0006, content)  # its data
    return blob


def test_winmail_dat_attachments_and_body_are_extracted():
    # given an Outlook mail whose content only exists inside winmail.dat
    message = EmailMessage()
    message["From"] = "outlook@example.com"
    message.set_content("")
    message.add_attachment(_winmail(b"Body from TNEF", {"report.txt": b"quarterly numbers"}),
                           maintype="application", subtype="ms-tnef", filename="winmail.dat")
    # when parsed
    parsed = parse_email(message.as_bytes())
    # then the file inside is an attachment and the body is text; winmail.dat itself is gone
    assert [(a.filename, a.content) for a in parsed.attachments] == [("report.txt", b"quarterly numbers")]
    assert "Body from TNEF" in parsed.text


def test_unreadable_winmail_dat_is_kept_as_is():
    # given a corrupt winmail.dat
    message = EmailMessage()
    message["From"] = "outlook@example.com"
    message.set_content("see attachment")
    message.add_attachment(b"not tnef at all", maintype="application", subtype="ms-tnef", filename="winmail.dat")
    # when parsed
    parsed = parse_email(message.as_bytes())
    # then nothing is lost: it stays an attachment, with a defect noted
    assert [a.filename for a in parsed.attachments] == ["winmail.dat"]
    assert "tnef_unreadable" in parsed.defects


def test_broken_boundary_bad_base64_and_bad_quoted_printable_still_give_text():
    # given a multipart whose closing boundary is missing, with bad base64 and bad QP parts
    mail = raw_mail(
        "From: a@example.com",
        'Content-Type: multipart/mixed; boundary="zzz"',
        body=(
            "--zzz\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
            "Caf=C3=A9 =ZZ broken =\n"
            "--zzz\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\nSGVsbG8gd29ybGQ!!!*\n"
        ),
    )
    # when parsed
    parsed = parse_email(mail)
    # then the readable parts are there
    assert "Café" in parsed.text
    assert "Hello" in parsed.text


def test_multipart_without_any_boundary_is_read_as_text():
    # given a multipart header whose boundary never appears in the body
    mail = raw_mail("From: a@example.com", 'Content-Type: multipart/alternative; boundary="missing"',
                    body="Just plain words here.")
    # when parsed
    parsed = parse_email(mail)
    # then the words are the text
    assert "Just plain words here." in parsed.text


def test_missing_headers_and_empty_input():
    # given a body with no headers, an empty input and binary junk
    # when parsed
    no_headers = parse_email(b"\r\nonly a body")
    empty = parse_email(b"")
    junk = parse_email(bytes(range(256)) * 4)
    # then each is a ParsedEmail with defects, not an exception
    assert no_headers.sender is None and "only a body" in no_headers.text
    assert empty.defects == ["empty"]
    assert junk.message_id == "" and junk.defects
