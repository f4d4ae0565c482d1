"""Real mail from ../shared/testdata/email: specific expectations, and score floors so regressions fail.

Measured when written (see `python -m frontdesk.inboxes.adapters.email.parsing.scores`): reply exact 49/49,
forward detection 211/211, bounce recall 639/643 and precision 639/640, no auto-acknowledgement 666/666.
The floors sit a little below, to allow a rule change that trades one case for another.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from frontdesk.inboxes.adapters.email.parsing import Address, AutoKind, ParsedEmail
from frontdesk.inboxes.adapters.email.parsing.scores import bounce_scores, forward_scores, mime_scores, reply_scores

# mime-mikel fixtures that really have no body and no attachment.
EMPTY_ON_PURPOSE = {
    "error_emails/bad_date_header.eml", "error_emails/bad_date_header2.eml", "error_emails/empty_in_reply_to.eml",
    "error_emails/missing_body.eml", "error_emails/must_supply_encoding.eml",
}


@pytest.fixture(scope="module")
def mikel(parsed_corpus: dict[str, ParsedEmail]) -> dict[str, ParsedEmail]:
    return {name.removeprefix("mime-mikel/"): mail for name, mail in parsed_corpus.items()
            if name.startswith("mime-mikel/") and name.endswith(".eml")}


def test_mime_edge_cases_have_text_where_there_is_text(mikel):
    # then every fixture but the empty ones gives text or attachments
    empty = {name for name, mail in mikel.items() if not (mail.text.strip() or mail.attachments)}
    assert empty == EMPTY_ON_PURPOSE


def test_mime_edge_cases_specific_values(mikel):
    # then charsets, RFC 6532 headers, RFC 2231 names and attachments come out right
    assert "あいうえお" in mikel["multi_charset/japanese_shift_jis.eml"].text
    assert "すみません" in mikel["multi_charset/japanese_iso_2022.eml"].text
    assert "스티해" in mikel["multi_charset/ks_c_5601-1987.eml"].text
    utf8 = mikel["rfc6532/utf8_headers.eml"]
    assert (utf8.subject, utf8.sender) == ("Säying Hello", Address("jdöe@mächine.example", "Jöhn Doe"))
    assert [a.filename for a in mikel["attachment_emails/attachment_nonascii_filename.eml"].attachments] == [
        "ciële.txt"
    ]
    assert [a.filename for a in mikel["multi_charset/japanese_attachment.eml"].attachments] == ["てすと.txt"]
    pdf = mikel["attachment_emails/attachment_pdf.eml"].attachments
    assert [(a.filename, a.content_type) for a in pdf] == [("broken.pdf", "application/pdf")]
    assert mikel["attachment_emails/attachment_message_rfc822.eml"].attachments[0].content_type == "message/rfc822"
    bounce = mikel["multipart_report_emails/multi_address_bounce1.eml"]
    assert bounce.auto == AutoKind.BOUNCE and bounce.bounce is not None and len(bounce.bounce.failed_recipients) == 5


def test_reply_scores(email_testdata: Path):
    scores = reply_scores(email_testdata)
    assert scores["exact"].value >= 0.95, scores["exact"].misses
    assert scores["structural"].value >= 0.95, scores["structural"].misses


def test_forward_scores(email_testdata: Path):
    scores = forward_scores(email_testdata)
    assert scores["detection"].value >= 0.98, scores["detection"].misses
    assert scores["subject"].value >= 0.97, scores["subject"].misses
    assert scores["sender"].value >= 0.98, scores["sender"].misses
    assert scores["body"].value >= 0.98, scores["body"].misses
    assert scores["note"].value >= 0.9, scores["note"].misses
    assert scores["recipients"].value >= 0.95, scores["recipients"].misses
    assert scores["all_fields"].value >= 0.95, scores["all_fields"].misses


def test_bounce_and_auto_reply_scores(email_testdata: Path, parsed_corpus):
    scores = bounce_scores(email_testdata)
    assert scores["bounce_recall"].value >= 0.98, scores["bounce_recall"].misses
    assert scores["bounce_precision"].value >= 0.99, scores["bounce_precision"].misses
    assert scores["auto_reply_recall"].value >= 0.99, scores["auto_reply_recall"].misses
    assert scores["auto_reply_precision"].value >= 0.7, scores["auto_reply_precision"].misses
    assert scores["feedback_recall"].value >= 0.95, scores["feedback_recall"].misses
    assert scores["no_auto_ack"].value >= 0.995, scores["no_auto_ack"].misses
    assert scores["bounce_has_recipient"].value >= 0.95, scores["bounce_has_recipient"].misses
    assert scores["bounce_has_original_id"].value >= 0.8, scores["bounce_has_original_id"].misses


def test_mime_scores(email_testdata: Path):
    scores = mime_scores(email_testdata)
    assert scores["parsed_without_error"].value == 1.0, scores["parsed_without_error"].misses
