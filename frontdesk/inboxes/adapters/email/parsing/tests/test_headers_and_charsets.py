# ruff: noqa: RUF001  (mail clients write in many scripts: the letters are meant)
from __future__ import annotations

from datetime import UTC, datetime

from frontdesk.inboxes.adapters.email.parsing import Address, parse_email
from frontdesk.inboxes.adapters.email.parsing.charsets import decode_bytes
from frontdesk.inboxes.adapters.email.parsing.headers import decode_words, parse_addresses, parse_message_ids

from .builders import raw_mail


def test_encoded_words_in_subject_and_names_are_decoded():
    # given a subject in two encoded words (a UTF-8 character split across them) and a Q-encoded name
    mail = raw_mail(
        "From: =?iso-8859-1?Q?Andr=E9?= Dupont <Andre@Example.COM>",
        "To: support@acme.test",
        "Subject: =?utf-8?B?UHJvYmzDqG1lIGF2ZWMgbWEgY29t?=",
        "  =?utf-8?B?bWFuZGUg4pyT?=",
        body="Bonjour",
    )
    # when it is parsed
    parsed = parse_email(mail)
    # then both are readable text, the address is lower-cased
    assert parsed.subject == "Problème avec ma commande ✓"
    assert parsed.sender == Address("andre@example.com", "André Dupont")


def test_raw_utf8_headers_rfc6532_are_read_as_utf8():
    # given headers written as raw UTF-8 bytes (RFC 6532), no encoded words
    mail = raw_mail("From: Jürgen Groß <jürgen@exämple.de>", "To: support@acme.test", "Subject: Grüße aus Köln",
                    body="Hallo")
    # when it is parsed
    parsed = parse_email(mail)
    # then the characters survive
    assert parsed.subject == "Grüße aus Köln"
    assert parsed.sender is not None and parsed.sender.name == "Jürgen Groß"


def test_latin1_header_bytes_without_label_are_guessed():
    # given a subject with raw windows-1252 bytes (a common spam and old-client habit)
    mail = b"From: a@example.com\r\nSubject: Forma\xe7\xe3o de Ver\xe3o\r\n\r\nbody"
    # when it is parsed
    parsed = parse_email(mail)
    # then the subject is readable
    assert parsed.subject == "Formação de Verão"


def test_bad_encoded_word_and_unknown_charset_do_not_break_the_subject():
    # given an encoded word with a charset nobody knows and one with broken base64
    value = "=?x-nonsense?Q?caf=E9?= and =?utf-8?B?not*base64?="
    # when decoded
    decoded = decode_words(value)
    # then something readable comes back, no exception
    assert decoded.startswith("caf")
    assert "and" in decoded


def test_address_lists_groups_and_unparseable_entries():
    # given To with a group, a quoted name with a comma, and a bare address
    values = ['undisclosed-recipients:;, "Doe, Jane" <Jane@Example.com>, bob@example.org']
    # when parsed
    found = parse_addresses(values)
    # then every mailbox is there, names without quotes
    assert Address("jane@example.com", "Doe, Jane") in found
    assert Address("bob@example.org", "") in found


def test_message_id_lists_keep_order_and_drop_brackets():
    # given References with a duplicate, an invalid token and brackets
    value = "<a@x.test>\r\n <b@x.test> garbage <a@x.test>"
    # when parsed
    ids = parse_message_ids(value)
    # then ids are in order, once each
    assert ids == ["a@x.test", "b@x.test"]


def test_dates_are_aware_and_bad_dates_are_none():
    # given a good and a broken Date header
    good = parse_email(raw_mail("From: a@example.com", "Date: Tue, 1 Dec 2026 10:15:00 +0100", body="x"))
    bad = parse_email(raw_mail("From: a@example.com", "Date: sometime last week", body="x"))
    # then the good one is timezone-aware, the bad one is None
    assert good.date == datetime(2026, 12, 1, 9, 15, tzinfo=UTC)
    assert bad.date is None


def test_body_labelled_latin1_but_really_utf8_is_read_as_utf8():
    # given a UTF-8 body that claims to be ISO-8859-1 (a very common mislabel)
    mail = raw_mail("From: a@example.com", "Content-Type: text/plain; charset=iso-8859-1",
                    "Content-Transfer-Encoding: 8bit", body="Café crème, s'il vous plaît")
    # when parsed
    parsed = parse_email(mail)
    # then there is no mojibake
    assert parsed.text.strip() == "Café crème, s'il vous plaît"


def test_undeclared_and_unknown_charsets_are_detected():
    # given Cyrillic text in KOI8-R with no charset, and Korean with a legacy label
    russian = "Здравствуйте, у меня не работает доставка заказа. Помогите, пожалуйста.".encode("koi8-r")
    korean = "안녕하세요 주문 문의".encode("cp949")
    # when decoded
    # then both come out readable
    assert decode_bytes(russian, None).startswith("Здравствуйте")
    assert decode_bytes(korean, "ks_c_5601-1987") == "안녕하세요 주문 문의"
    assert decode_bytes(b"plain", "x-unknown-charset") == "plain"


def test_seven_bit_iso_2022_jp_is_decoded():
    # given Japanese in ISO-2022-JP (pure ASCII bytes on the wire)
    data = "すみません".encode("iso2022_jp")
    # when decoded with and without a label
    # then it is Japanese, not escape sequences
    assert decode_bytes(data, "ISO-2022-JP") == "すみません"
    assert decode_bytes(data, None) == "すみません"
