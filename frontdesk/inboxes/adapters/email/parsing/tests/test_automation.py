from __future__ import annotations

import pytest

from frontdesk.inboxes.adapters.email.parsing import AutoKind, parse_email

from .builders import raw_mail, text_mail

ORIGINAL_HEADERS = (
    "From: Acme Support <support@acme.test>\nTo: gone@example.org\nSubject: Re: [#42] Your order\n"
    "Message-ID: <reply-42.abc@acme.test>\n"
)


def _dsn(action: str = "failed", status: str = "5.1.1", returned: str = "message/rfc822", *extra: str) -> bytes:
    return raw_mail(
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>",
        "To: support@acme.test",
        "Subject: Undelivered Mail Returned to Sender",
        "Message-ID: <bounce-1@mx.example.org>",
        *extra,
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
        body=(
            "--r\nContent-Type: text/plain\n\nThis is the mail system at host mx.example.org.\n"
            "--r\nContent-Type: message/delivery-status\n\n"
            "Reporting-MTA: dns; mx.example.org\n\n"
            f"Final-Recipient: rfc822; Gone@Example.org\nAction: {action}\nStatus: {status}\n"
            "Diagnostic-Code: smtp; 550 5.1.1 <gone@example.org>: Recipient address rejected:\n"
            "    User unknown in virtual mailbox table\n"
            f"--r\nContent-Type: {returned}\n\n{ORIGINAL_HEADERS}\nHello\n--r--\n"
        ),
    )


def test_dsn_bounce_gives_recipient_status_diagnostic_and_original_id():
    # given a standard delivery-status report that returns the whole original message
    parsed = parse_email(_dsn())
    # then it is a permanent bounce with all the details
    assert parsed.auto == AutoKind.BOUNCE
    bounce = parsed.bounce
    assert bounce is not None
    assert bounce.failed_recipients == ["gone@example.org"]
    assert (bounce.status, bounce.permanent) == ("5.1.1", True)
    assert bounce.diagnostic.startswith("550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown")
    assert bounce.original_message_id == "reply-42.abc@acme.test"
    assert parsed.forwarded is None  # the returned message is not a forward


def test_dsn_with_only_returned_headers_and_auto_submitted_is_still_a_bounce():
    # given a report with text/rfc822-headers that also says Auto-Submitted: auto-replied (very common)
    parsed = parse_email(_dsn("failed", "5.2.2", "text/rfc822-headers", "Auto-Submitted: auto-replied"))
    # then the bounce check wins over the auto-reply header
    assert parsed.auto == AutoKind.BOUNCE
    assert parsed.bounce is not None and parsed.bounce.original_message_id == "reply-42.abc@acme.test"


def test_delayed_dsn_is_a_temporary_bounce_and_delivered_dsn_is_a_receipt():
    # given a "delayed" and a "delivered" report
    delayed = parse_email(_dsn("delayed", "4.4.1"))
    delivered = parse_email(_dsn("delivered", "2.0.0"))
    # then the first is a bounce that is not permanent, the second an automated receipt (not a failure)
    assert delayed.auto == AutoKind.BOUNCE and delayed.bounce is not None and not delayed.bounce.permanent
    assert delivered.auto == AutoKind.AUTO_REPLY and delivered.bounce is None


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        (  # qmail
            ("From: MAILER-DAEMON@mx.example.org", "Subject: failure notice"),
            "Hi. This is the qmail-send program at mx.example.org.\nI'm afraid I wasn't able to deliver your "
            "message to the following addresses.\n\n<gone@example.org>:\n550 5.1.1 no mailbox here by that name\n",
        ),
        (  # Exim without a DSN
            ("From: Mail Delivery System <Mailer-Daemon@mx.example.org>", "X-Failed-Recipients: gone@example.org",
             "Subject: Mail delivery failed: returning message to sender", "Auto-Submitted: auto-replied"),
            "This message was created automatically by mail delivery software.\n\nA message that you sent could "
            "not be delivered to one or more of its recipients.\n\n  gone@example.org\n    Unrouteable address\n",
        ),
        (  # Exchange, old style
            ("From: System Administrator <postmaster@corp.example>", "Subject: Undeliverable: Your order"),
            "Your message did not reach some or all of the intended recipients.\n\n"
            "      The following recipient(s) cannot be reached:\n\n      gone@example.org on 1/12/2026\n",
        ),
        (  # Gmail
            ("From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
             "Subject: Delivery Status Notification (Failure)"),
            "Delivery to the following recipient failed permanently:\n\n     gone@example.org\n\n"
            "Technical details of permanent failure:\n550 5.1.1 The email account does not exist.\n",
        ),
    ],
)
def test_non_standard_failure_notices_are_bounces_with_the_failed_address(headers, body):
    # given a notice in a server's own words, with no delivery-status part
    parsed = parse_email(raw_mail(*headers, "To: support@acme.test", body=body))
    # then it is a bounce and the failed recipient is found
    assert parsed.auto == AutoKind.BOUNCE
    assert parsed.bounce is not None and parsed.bounce.failed_recipients == ["gone@example.org"]


def test_arf_feedback_report():
    # given an ARF abuse report
    mail = raw_mail(
        "From: staff@feedback.example.net",
        "Subject: Abuse report",
        'Content-Type: multipart/report; report-type=feedback-report; boundary="f"',
        body=(
            "--f\nContent-Type: text/plain\n\nThis is an email abuse report.\n"
            "--f\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: Example/1.0\n"
            "Version: 1\n--f\nContent-Type: message/rfc822\n\n" + ORIGINAL_HEADERS + "\nHello\n--f--\n"
        ),
    )
    # then it is a feedback report, not a bounce
    parsed = parse_email(mail)
    assert parsed.auto == AutoKind.FEEDBACK_REPORT
    assert parsed.bounce is None


@pytest.mark.parametrize(
    ("subject", "headers", "reason"),
    [
        ("Re: Order", {"Auto_Submitted": "auto-replied"}, "auto-submitted:auto-replied"),
        ("Re: Order", {"Auto_Submitted": "auto-generated"}, "auto-submitted:auto-generated"),
        ("Re: Order", {"X_Autoreply": "yes"}, "x-autoreply"),
        ("Re: Order", {"X_Autorespond": "Vacation"}, "x-autorespond"),
        ("Re: Order", {"X_Auto_Response_Suppress": "All"}, "x-auto-response-suppress"),
        ("Out of Office: Re: Order", {}, "subject:out of office"),
        ("Automatic reply: Order", {}, "subject:automatic reply"),
        ("Abwesenheitsnotiz: Bestellung", {}, "subject:abwesenheitsnotiz"),
        ("Réponse automatique : Commande", {}, "subject:réponse automatique"),
        ("Respuesta automática: Pedido", {}, "subject:respuesta automática"),
        ("Re: Order", {"Return_Path": "<>"}, "return-path:<>"),
    ],
)
def test_auto_replies(subject, headers, reason):
    # given an auto-reply recognised by a header, a subject in some language, or the null sender
    parsed = parse_email(text_mail("I am away until Monday.", subject=subject, **headers))
    # then it is an auto-reply, with the reason
    assert parsed.auto == AutoKind.AUTO_REPLY
    assert reason in parsed.auto_reasons


@pytest.mark.parametrize(
    "headers",
    [
        {"List_Id": "<users.lists.example.org>"},
        {"List_Unsubscribe": "<mailto:leave@example.org>"},
        {"Precedence": "bulk"},
        {"Precedence": "list"},
        {"Precedence": "junk"},
    ],
)
def test_list_mail(headers):
    # given mailing-list or bulk mail
    parsed = parse_email(text_mail("Newsletter", subject="Our news", **headers))
    # then it is list mail
    assert parsed.auto == AutoKind.LIST


def test_vacation_reply_with_precedence_bulk_is_an_auto_reply_not_list():
    # given a vacation responder that also sets Precedence: bulk
    parsed = parse_email(text_mail("Away", subject="Out of office", Precedence="bulk", Auto_Submitted="auto-replied"))
    # then the stronger reason wins
    assert parsed.auto == AutoKind.AUTO_REPLY


def test_ordinary_mail_is_not_automated():
    # given a customer mail, with Auto-Submitted: no and a subject that merely mentions an office
    parsed = parse_email(text_mail("Hello, where is my parcel?", subject="Office chair order",
                                   Auto_Submitted="no"))
    # then nothing is flagged
    assert (parsed.auto, parsed.auto_reasons, parsed.bounce) == (AutoKind.NONE, [], None)
    assert parsed.headers["auto-submitted"] == "no"


def test_mail_from_mailer_daemon_without_failure_wording_is_still_automated():
    # given a notice from MAILER-DAEMON that says nothing about a failure
    parsed = parse_email(text_mail("Your mailbox quota is at 80%.", subject="Quota", sender="MAILER-DAEMON@mx.org"))
    # then no automatic answer may go back (it is flagged, though not as a bounce)
    assert parsed.auto == AutoKind.AUTO_REPLY
