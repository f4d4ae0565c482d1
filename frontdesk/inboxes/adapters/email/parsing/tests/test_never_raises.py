"""parse_email never raises: random bytes, mutated real mails, and every file of the outside test data."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.inboxes.adapters.email.parsing import AutoKind, ParsedEmail, parse_email

from .builders import raw_mail, text_mail

SEEDS = [
    text_mail("Hi,\n\nOn Tue, 1 Dec 2026 at 10:15, A <a@b.c> wrote:\n> old\n", subject="Re: [#12] Order"),
    raw_mail(
        "From: =?utf-8?B?SsO2aG4=?= <j@example.com>",
        'Content-Type: multipart/mixed; boundary="b"',
        body=(
            "--b\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n"
            "Caf=E9\n--b\nContent-Type: application/pdf; name*=utf-8''r%C3%A9sum%C3%A9.pdf\n"
            "Content-Transfer-Encoding: base64\n\nJVBERi0=\n--b\nContent-Type: message/rfc822\n\n"
            "From: x@y.z\nSubject: inner\n\ninner body\n--b--\n"
        ),
    ),
    raw_mail(
        "From: MAILER-DAEMON@mx.example.org",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
        body=(
            "--r\nContent-Type: text/plain\n\nfailed\n--r\nContent-Type: message/delivery-status\n\n"
            "Final-Recipient: rfc822; a@b.c\nAction: failed\nStatus: 5.1.1\n--r--\n"
        ),
    ),
    text_mail("---------- Forwarded message ---------\nFrom: A <a@b.c>\nSubject: x\n\nbody", subject="Fwd: x"),
]


def _check(raw: bytes) -> None:
    parsed = parse_email(raw)
    assert isinstance(parsed, ParsedEmail)
    assert isinstance(parsed.auto, AutoKind)
    assert isinstance(parsed.visible_text, str) and isinstance(parsed.text, str)
    # Every stage copes on its own: the last-resort guard in parse_email is never what saved us.
    assert not any(defect.startswith("unparseable") for defect in parsed.defects), parsed.defects


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3_000))
def test_random_bytes(raw):
    _check(raw)


@st.composite
def mutated_mail(draw):
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        operation = draw(st.sampled_from(["insert", "delete", "replace", "truncate", "repeat"]))
        chunk = draw(st.sampled_from([b"\r\n", b"\n--b\n", b"=?", b"?=", b"=", b"\x00", b"\xff\xfe", b">", b":",
                                      b"\n\n", b"Content-Type: multipart/mixed; boundary=b\n", b"\xc3"]))
        if operation == "insert":
            data[position:position] = chunk
        elif operation == "delete":
            del data[position : position + draw(st.integers(1, 40))]
        elif operation == "replace":
            data[position : position + len(chunk)] = chunk
        elif operation == "truncate":
            del data[position:]
        else:
            data[position:position] = data[position : position + 200] * draw(st.integers(1, 20))
    return bytes(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_mail())
def test_mutated_mails(raw):
    _check(raw)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["From", "To", "Cc", "Subject", "Message-ID", "References", "Date", "Content-Type",
                             "Content-Transfer-Encoding", "Auto-Submitted", "Return-Path", "Content-Disposition"]),
            st.text(max_size=80),
        ),
        max_size=10,
    ),
    st.text(max_size=500),
)
def test_random_headers_and_text(headers, body):
    raw = "".join(f"{name}: {value}\r\n" for name, value in headers) + "\r\n" + body
    _check(raw.encode("utf-8", "surrogatepass"))


def test_every_outside_test_file_parses(parsed_corpus: dict[str, ParsedEmail], email_testdata: Path):
    # given every file under ../shared/testdata/email (mails, and the licences and json files too)
    files = [path for path in email_testdata.rglob("*") if path.is_file()]
    # then each one was parsed, none needed the last-resort guard
    assert len(parsed_corpus) == len(files) > 1_000
    failures = {name: mail.defects for name, mail in parsed_corpus.items() if any(
        defect.startswith("unparseable") for defect in mail.defects)}
    assert failures == {}
