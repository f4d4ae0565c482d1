# ruff: noqa: RUF001  (mail clients write in many scripts: the letters are meant)
from __future__ import annotations

import pytest

from frontdesk.inboxes.adapters.email.parsing import parse_email
from frontdesk.inboxes.adapters.email.parsing.quotes import split_reply

from .builders import text_mail

REPLY = "The parcel still has not arrived.\nCan you check the tracking number?"


@pytest.mark.parametrize(
    ("client", "history"),
    [
        ("gmail en", "On Tue, Dec 1, 2026 at 10:15 AM Acme Support <support@acme.test> wrote:\n> We shipped it."),
        ("gmail wrapped", "On Tue, Dec 1, 2026 at 10:15 AM Acme Support <\nsupport@acme.test> wrote:\n\n> Shipped."),
        ("apple", "> On 1 Dec 2026, at 10:15, Acme Support <support@acme.test> wrote:\n>\n> We shipped it."),
        ("thunderbird", "On 01/12/2026 10:15, Acme Support wrote:\n> We shipped it."),
        ("french", "Le mar. 1 déc. 2026 à 10:15, Acme Support <support@acme.test> a écrit :\n> Expédié."),
        ("german", "Am 01.12.2026 um 10:15 schrieb Acme Support <support@acme.test>:\n> Versendet."),
        ("spanish", "El mar, 1 dic 2026 a las 10:15, Acme Support (<support@acme.test>) escribió:\n> Enviado."),
        ("italian", "Il giorno mar 1 dic 2026 alle ore 10:15 Acme <support@acme.test> ha scritto:\n> Spedito."),
        ("dutch", "Op di 1 dec. 2026 om 10:15 schreef Acme Support <support@acme.test>:\n> Verzonden."),
        ("polish", "W dniu 1.12.2026 o 10:15, Acme Support <support@acme.test> pisze:\n> Wysłane."),
        ("swedish", "Den tis 1 dec. 2026 kl 10:15 skrev Acme Support <support@acme.test>:\n> Skickat."),
        ("russian", "вт, 1 дек. 2026 г. в 10:15, Acme Support <support@acme.test>:\n> Отправлено."),
        ("chinese", "在 2026年12月1日 10:15，Acme Support <support@acme.test> 写道：\n> 已发货。"),
        ("zoho", "---- On Tue, 01 Dec 2026 10:15:00 +0100 support@acme.test wrote ----\n\nWe shipped it."),
        (
            "outlook en",
            "________________________________\nFrom: Acme Support <support@acme.test>\n"
            "Sent: Tuesday, December 1, 2026 10:15\nTo: Jane <jane@example.com>\nSubject: RE: Order\n\nShipped.",
        ),
        (
            "outlook de",
            "Von: Acme Support <support@acme.test>\nGesendet: Dienstag, 1. Dezember 2026 10:15\n"
            "An: Jane <jane@example.com>\nBetreff: AW: Bestellung\n\nVersendet.",
        ),
        (
            "outlook fr bold",
            "*De :* Acme Support <support@acme.test>\n*Envoyé :* mardi 1 décembre 2026 10:15\n"
            "*À :* Jane\n*Objet :* RE: Commande\n\nExpédié.",
        ),
        ("outlook original", "-----Original Message-----\nFrom: Acme Support\nSent: 1 Dec 2026\n\nShipped."),
        ("outlook german sep", "-----Ursprüngliche Nachricht-----\nVon: Acme\nGesendet: 1.12.2026\n\nVersendet."),
        ("yahoo", "On Tuesday, December 1, 2026, 10:15:00 AM GMT+1, Acme <support@acme.test> wrote:\n\nShipped."),
        ("plain quotes", "> We shipped it yesterday.\n> Regards, Acme"),
    ],
)
def test_quoted_history_is_removed_for_each_client(client, history):
    # given a reply written above the history a client quotes
    body = f"{REPLY}\n\n{history}\n"
    # when split
    split = split_reply(body)
    # then only the new text is visible
    assert split.visible == REPLY, client
    assert split.has_history


@pytest.mark.parametrize(
    "signature",
    [
        "-- \nJane Doe\nAcme Corp",
        "Sent from my iPhone",
        "Envoyé de mon iPhone",
        "Von meinem iPhone gesendet",
        "Get Outlook for Android<https://aka.ms/ghei36>",
        "Best regards,\nJane Doe\nHead of Purchasing\n+1 555 0100",
        "Mit freundlichen Grüßen\nJane Doe",
        "Cordialement,\nJane",
        "Met vriendelijke groet,\nJane",
        "Thanks,\nJane",
        "Cheers 🎉\nJane",
    ],
)
def test_signatures_are_removed(signature):
    # given a message ending with a signature block
    body = f"{REPLY}\n\n{signature}\n"
    # when split
    split = split_reply(body)
    # then the signature is gone
    assert split.visible == REPLY


def test_signature_then_quote_both_removed():
    # given a mobile signature followed by history without any header (some phone clients)
    body = f"{REPLY}\n\nSent from my Galaxy\n\nOld text from the previous mail that has no header at all."
    # when split
    # then only the reply is left
    assert split_reply(body).visible == REPLY


@pytest.mark.parametrize(
    "text",
    [
        "On the other hand, we should check.\nOn average it works.",
        "I was told the parcel was sent from my local depot.\nSent from the warehouse last week, they said.",
        "With regards to the invoice, the amount is wrong.",
        "Here is the list:\n-- first item\n-- second item\n\nPlease check it.",
        "My notes:\n\n----\n\nStep one is done.\nStep two failed with an error message I did not expect.",
        "The log says 2024-01-15 14:30:25 and then 15.01.2024 14:30 failed.",
        "Please reply to: billing@example.com or call us.",
    ],
)
def test_ordinary_text_is_never_cut(text):
    # given text that only looks like headers or signatures
    # when split
    split = split_reply(text)
    # then all of it stays
    assert split.visible == text


def test_inline_answers_keep_the_quotes_they_answer():
    # given an inline reply with a short greeting above the first quote
    body = (
        "Hi,\n\nOn Tue, 1 Dec 2026 at 10:15, Acme <support@acme.test> wrote:\n> Which size?\n\nSize M.\n\n"
        "> Which colour?\n\nBlue please.\n\n> Anything else?\n\n-- \nJane"
    )
    # when split
    split = split_reply(body)
    # then the answers and the questions between them are visible, the signature and the last quote are not
    assert split.visible.endswith("Blue please.")
    assert "> Which size?" in split.visible and "Size M." in split.visible
    assert "Anything else" not in split.visible
    assert split.reply == "Hi,"


def test_top_posted_reply_does_not_pull_in_trailing_disclaimer():
    # given a long top-posted reply, quoted history, then a gateway disclaimer after the quote
    body = (
        "Line one of my answer.\nLine two.\nLine three.\nLine four.\n\n"
        "On Tue, 1 Dec 2026 at 10:15, Acme <support@acme.test> wrote:\n> old\n\n"
        "This e-mail is confidential and intended for the addressee only."
    )
    # when split
    # then the visible text is the reply only
    assert split_reply(body).visible == "Line one of my answer.\nLine two.\nLine three.\nLine four."


def test_parse_email_fills_visible_and_reply_text_and_never_shows_empty():
    # given a mail that is only a quote
    only_quote = parse_email(text_mail("> just the old text\n> nothing new"))
    # and a normal reply
    reply = parse_email(text_mail(f"{REPLY}\n\nOn Tue, 1 Dec 2026 at 10:15, A <a@b.c> wrote:\n> old\n"))
    # then the quote-only mail still shows its text, the reply shows the new part
    assert only_quote.visible_text == "> just the old text\n> nothing new"
    assert reply.visible_text == REPLY and reply.reply_text == REPLY


def test_very_long_lines_and_huge_bodies_finish():
    # given pathological input: one huge line full of header-like words, and many "On" lines
    huge_line = "On " + "x, <a@b.c> 2026 wrote " * 20_000
    many_lines = ("On 1 Dec 2026 something " * 3 + "\n") * 20_000
    # when split
    # then it simply returns (lines beyond the caps are never treated as headers)
    assert split_reply(huge_line).visible
    assert split_reply(many_lines).visible
