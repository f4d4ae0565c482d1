"""The SMTP listener end to end: real sockets, smtplib as the sending server, the ticket read back by the API."""

from __future__ import annotations

import smtplib
import ssl
import threading
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.db import connection

from frontdesk.inboxes.choices import ChannelKind, IntakeStatus
from frontdesk.inboxes.models import Inbox, Intake
from frontdesk.testing.api import as_agent
from frontdesk.testing.factories import AgentFactory, BrandFactory
from frontdesk.testing.mail import self_signed_certificate, smtp_listener
from frontdesk.tickets.choices import Direction
from frontdesk.tickets.models import Message

pytestmark = pytest.mark.django_db(transaction=True)  # the listener stores from its own threads and connections
MAX_BYTES = 300_000


def inbound_messages():  # type: ignore[no-untyped-def]
    return Message.objects.filter(direction=Direction.INBOUND)  # acknowledgements are messages too


@pytest.fixture
def listener():  # type: ignore[no-untyped-def]
    # The in-memory SQLite test database locks whole tables between connections (shared cache): one storing
    # thread there. Concurrent storage is exercised on PostgreSQL here and on a database file in test_smtp_crash.
    threads = 1 if connection.vendor == "sqlite" else 4
    with smtp_listener(max_bytes=MAX_BYTES, threads=threads) as running:
        yield running


@pytest.fixture
def acme():  # type: ignore[no-untyped-def]
    brand = BrandFactory(slug="acme", name="Acme")
    inbox = Inbox.objects.create(
        brand=brand, name="Acme support", channel_kind=ChannelKind.EMAIL, address="Support@Acme.test",
        settings={"aliases": ["help@acme.test"], "domains": ["acme-mail.test"]},
    )
    return inbox


def smtp(listener) -> smtplib.SMTP:  # type: ignore[no-untyped-def]
    return smtplib.SMTP(listener.host, listener.port, timeout=10)


def mail(to: str = "support@acme.test", subject: str = "Hello", body: str = "Hi.", **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.pop("sender", "Zoë Customer <zoe@example.test>")
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = headers.pop("message_id", make_msgid(domain="example.test"))
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def test_a_multipart_mail_with_an_attachment_becomes_a_ticket_seen_through_the_api(listener, acme):
    # Given an agent of Acme and a multipart mail in German with an HTML part and a PDF attached
    agent = AgentFactory(brands=[acme.brand])
    message = mail(subject="Bestellung über 3 Stück: wo bleibt sie?", body="Grüße aus Köln, meine Bestellung fehlt.")
    message.add_alternative("<p>Grüße aus <b>Köln</b>, meine Bestellung fehlt.</p>", subtype="html")
    message.add_attachment(b"%PDF-1.4 invoice", maintype="application", subtype="pdf", filename="Rechnung März.pdf")

    # When a mail server delivers it to the listener
    sent = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
    with smtp(listener) as client:
        refused = client.send_message(message)

    # Then it was accepted, and the agent sees the ticket with the text and the attachment through the API
    assert refused == {}
    api = as_agent(agent)
    tickets = api.get("/tickets").json()["data"]
    assert [t["subject"] for t in tickets] == ["Bestellung über 3 Stück: wo bleibt sie?"]
    assert tickets[0]["channel"] == "email" and tickets[0]["inbox"]["id"] == acme.pk
    messages = api.get(f"/tickets/{tickets[0]['id']}/messages").json()["data"]
    assert "Grüße aus Köln" in messages[0]["text"]
    assert [a["filename"] for a in messages[0]["attachments"]] == ["Rechnung März.pdf"]
    # And the raw message is kept with its envelope
    intake = Intake.objects.get()
    assert intake.source == "smtp" and intake.status == IntakeStatus.DONE
    assert intake.envelope["rcpt_to"] == ["support@acme.test"] and intake.envelope["peer"] == "127.0.0.1"
    assert intake.read_raw() == sent


def test_aliases_catch_all_domains_reply_addresses_and_other_brands_reach_their_inbox(listener, acme):
    # Given a second brand with its own support address
    globex = Inbox.objects.create(
        brand=BrandFactory(slug="globex", name="Globex"), name="Globex", channel_kind=ChannelKind.EMAIL,
        address="help@globex.test",
    )
    # And mails to an alias, a sub-address, any address of a catch-all domain and a reply address, any case
    to = ["HELP@acme.test", "support+orders@acme.test", "anyone@acme-mail.test", "reply+abc.def@ACME.test"]

    # When each is delivered, and one mail goes to both brands (and to Acme's alias as well)
    with smtp(listener) as client:
        for n, address in enumerate(to):
            client.send_message(mail(to=address, subject=f"Mail {n}"))
        client.send_message(mail(to="support@acme.test, help@globex.test", Cc="help@acme.test", subject="Both"))

    # Then Acme has all five, and Globex the one sent to both
    assert Intake.objects.filter(inbox=acme).count() == 5
    assert Intake.objects.filter(inbox=globex).count() == 1
    assert inbound_messages().count() == 6


def test_an_unknown_recipient_is_refused_with_550_and_nothing_is_stored(listener, acme):
    # Given a mail for an address no inbox has, besides a known one
    message = mail(to="nobody@acme-other.test")

    # When it is sent to both
    with smtp(listener) as client:
        refused = client.send_message(message, to_addrs=["nobody@acme-other.test", "support@acme.test"])
        # Then only the unknown address is refused, with 550 5.1.1
        assert set(refused) == {"nobody@acme-other.test"}
        code, text = refused["nobody@acme-other.test"]
        assert code == 550 and text.startswith(b"5.1.1")

        # And a mail for unknown addresses only is refused as a whole
        with pytest.raises(smtplib.SMTPRecipientsRefused) as caught:
            client.send_message(mail(to="nobody@acme-other.test"))
    assert caught.value.recipients["nobody@acme-other.test"][0] == 550
    assert Intake.objects.count() == 1


def test_the_listener_offers_size_and_utf8_and_relays_nothing(listener, acme):
    with smtp(listener) as client:
        code, _ = client.ehlo("client.example.test")
        assert code == 250
        assert {"size", "8bitmime", "smtputf8"} <= set(client.esmtp_features)
        assert "auth" not in client.esmtp_features
        # An address elsewhere is never relayed
        assert client.mail("zoe@example.test")[0] == 250
        assert client.rcpt("someone@gmail.example")[0] == 550
        client.rset()

        # And an inbox switched off receives nothing either
        acme.is_active = False
        acme.save()
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            client.send_message(mail())
    assert Intake.objects.count() == 0


def test_a_pipelining_server_gets_its_answers_in_order(listener, acme):
    # Given a sending server that sees PIPELINING and sends its envelope in one go (RFC 2920)
    import socket

    with socket.create_connection((listener.host, listener.port), timeout=10) as raw:
        reader = raw.makefile("rb")
        assert reader.readline().startswith(b"220")
        raw.sendall(b"EHLO relay.example.test\r\n")
        ehlo = [reader.readline()]
        while ehlo[-1][3:4] == b"-":
            ehlo.append(reader.readline())
        assert b"250-PIPELINING\r\n" in ehlo
        raw.sendall(
            b"MAIL FROM:<zoe@example.test>\r\nRCPT TO:<nobody@acme.test>\r\nRCPT TO:<support@acme.test>\r\nDATA\r\n"
        )
        # Then each command is answered, in order, the unknown recipient refused and the known one accepted
        answers = [reader.readline()[:3] for _ in range(4)]
        assert answers == [b"250", b"550", b"250", b"354"]
        raw.sendall(b"From: zoe@example.test\r\nSubject: Pipelined\r\n\r\nHello.\r\n.\r\nQUIT\r\n")
        assert reader.readline().startswith(b"250 2.0.0") and reader.readline().startswith(b"221")

    intake = Intake.objects.get()
    assert intake.envelope["rcpt_to"] == ["support@acme.test"] and intake.envelope["helo"] == "relay.example.test"


def test_addresses_that_are_no_utf8_get_clean_answers_and_the_mail_is_kept(listener, acme):
    # Given a sender whose MAIL FROM and one RCPT TO hold bytes that are no UTF-8
    import socket

    with socket.create_connection((listener.host, listener.port), timeout=10) as raw:
        reader = raw.makefile("rb")

        def ask(line: bytes) -> bytes:
            raw.sendall(line + b"\r\n")
            answer = reader.readline()
            while answer[3:4] == b"-":
                answer = reader.readline()
            return answer

        reader.readline()
        assert ask(b"EHLO relay\xff.example.test").startswith(b"250")
        assert ask(b"MAIL FROM:<z\xf6e@example.test>").startswith(b"250")
        # Then the unknown address is refused with a 550 (its bad bytes escaped), the known one accepted
        assert ask(b"RCPT TO:<\xff\xfe@acme.test>").startswith(b"550 5.1.1")
        assert ask(b"RCPT TO:<support@acme.test>").startswith(b"250")
        assert ask(b"DATA").startswith(b"354")
        assert ask(b"From: zoe@example.test\r\nSubject: Bytes\r\n\r\nHello.\r\n.").startswith(b"250 2.0.0")

    # And the mail is stored, its envelope as readable text
    intake = Intake.objects.get()
    assert intake.envelope["mail_from"] == "z\ufffde@example.test"
    assert intake.envelope["helo"] == "relay\ufffd.example.test"


def test_a_big_mail_with_bare_line_feeds_is_read_not_refused(acme):
    # Given a listener taking 3 MB, and a 1.3 MB mail a script sends with bare LF line ends (one SMTP "line")
    message = mail(subject="Logs", body="log line\n" * 150_000)
    raw = message.as_bytes()
    assert b"\r\n" not in raw and len(raw) > 1_300_000

    with smtp_listener(max_bytes=3_000_000, threads=1) as running, smtp(running) as client:
        refused = client.sendmail("zoe@example.test", ["support@acme.test"], raw)

    # Then it is stored as sent and its text read
    assert refused == {}
    assert Intake.objects.get().read_raw().rstrip(b"\r\n") == raw.rstrip(b"\n")
    assert inbound_messages().get().body_text.count("log line") == 150_000


def test_mail_over_the_size_limit_is_refused_with_552(listener, acme):
    big = mail(body="x" * 76 + "\n")
    big.set_content(("y" * 76 + "\n") * (MAX_BYTES // 77 + 10))

    # When the client announces the size at MAIL FROM (smtplib does, as the listener advertises SIZE)
    with smtp(listener) as client:
        client.ehlo()
        assert int(client.esmtp_features["size"]) == MAX_BYTES
        with pytest.raises(smtplib.SMTPSenderRefused) as at_mail:
            client.send_message(big)
    assert at_mail.value.smtp_code == 552 and at_mail.value.smtp_error.startswith(b"5.3.4")

    # When a client does not announce it, the data is refused once it passes the limit
    with smtp(listener) as client:
        client.ehlo()
        assert client.mail("zoe@example.test")[0] == 250
        assert client.rcpt("support@acme.test")[0] == 250
        code, text = client.data(big.as_bytes())
        assert code == 552 and text.startswith(b"5.3.4")
        # And the session goes on: the next mail is accepted
        assert client.send_message(mail()) == {}
    assert Intake.objects.count() == 1


def test_a_mail_delivered_twice_is_stored_once(listener, acme):
    # Given one mail, delivered twice (a sending server that did not see our first answer does this)
    message = mail(subject="Twice")

    with smtp(listener) as client:
        first = client.send_message(message)
    with smtp(listener) as client:
        second = client.send_message(message)

    # Then both deliveries were acknowledged, and there is one intake, one message, one ticket
    assert first == second == {}
    assert Intake.objects.count() == 1
    assert inbound_messages().count() == 1


def test_bounces_utf8_addresses_and_bytes_that_are_no_mail_are_all_kept(listener, acme):
    # Given a delivery report (MAIL FROM:<>), a mail whose sender's address is not ASCII (SMTPUTF8), and bytes
    # that are no mail at all
    report = mail(subject="Undelivered Mail Returned to Sender", sender="MAILER-DAEMON@example.test")
    utf8 = mail(subject="Ünïcode", sender="Jürgen <jürgen@bücher.example>")

    with smtp(listener) as client:
        client.sendmail("", ["support@acme.test"], report.as_bytes())
        client.send_message(utf8)  # smtplib asks for SMTPUTF8 itself
        client.sendmail("zoe@example.test", ["support@acme.test"], b"\x00\x01\x02 not a mail\r\n")

    # Then all three are kept (nothing acknowledged is lost), whatever the parser made of them
    intakes = list(Intake.objects.order_by("id"))
    assert len(intakes) == 3
    assert intakes[0].envelope["mail_from"] == "<>"
    assert intakes[2].read_raw().startswith(b"\x00\x01\x02")


def test_small_mail_is_kept_in_its_intake_row_and_big_mail_in_file_storage(listener, acme, settings):
    # Given payloads above 2,000 bytes go to file storage
    settings.INTAKE_INLINE_MAX_BYTES = 2000
    small, big = mail(subject="Small"), mail(subject="Big", body="Long words. " * 400)

    with smtp(listener) as client:
        client.send_message(small)
        client.send_message(big)

    # Then the small one is in the database row, the big one in a file named by its hash; both read back whole
    kept_small, kept_big = Intake.objects.order_by("id")
    assert kept_small.content is not None and not kept_small.raw
    assert kept_small.read_raw() == small.as_bytes(policy=small.policy.clone(linesep="\r\n"))
    assert kept_big.content is None and kept_big.raw.name.endswith(kept_big.sha256)
    assert kept_big.read_raw() == big.as_bytes(policy=big.policy.clone(linesep="\r\n"))


def test_when_storing_fails_the_answer_is_451_and_a_retry_stores_the_mail(listener, acme, settings, tmp_path):
    # Given a storage that cannot be written (its folder is a file), for a mail too big for the database row
    settings.INTAKE_INLINE_MAX_BYTES = 0
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    real_root = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = str(blocker / "media")
    message = mail(subject="Keep me")

    # When a mail arrives, then it is refused for now with 451 4.3.0 and nothing is half-stored
    with smtp(listener) as client, pytest.raises(smtplib.SMTPDataError) as caught:
        client.send_message(message)
    assert caught.value.smtp_code == 451 and caught.value.smtp_error.startswith(b"4.3.0")
    assert Intake.objects.count() == 0 and inbound_messages().count() == 0

    # When the storage works again and the sending server retries, then the mail is stored once
    settings.MEDIA_ROOT = real_root
    with smtp(listener) as client:
        assert client.send_message(message) == {}
    assert Intake.objects.count() == 1 and inbound_messages().count() == 1


def test_many_sessions_at_once_are_all_stored(listener, acme):
    # Given eight sending servers delivering five mails each at the same time
    def deliver(worker: int) -> None:
        with smtp(listener) as client:
            for n in range(5):
                client.send_message(mail(subject=f"Worker {worker} mail {n}", sender=f"w{worker}@example.test"))

    threads = [threading.Thread(target=deliver, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    # Then every mail was stored once
    assert Intake.objects.count() == 40
    assert inbound_messages().count() == 40


def test_starttls_is_offered_with_a_certificate(acme, tmp_path):
    # Given a listener with a certificate (FRONTDESK_SMTP_TLS_CERT/KEY)
    cert, key = self_signed_certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    trusting = ssl.create_default_context(cafile=cert)

    with smtp_listener(tls_context=context, threads=1) as running, smtp(running) as client:
        # When a sending server switches to TLS (checking the certificate) and delivers
        client.ehlo()
        assert client.has_extn("starttls")
        client.starttls(context=trusting)
        client.send_message(mail(subject="Over TLS"))

    # Then the mail is stored
    assert Intake.objects.get().envelope["rcpt_to"] == ["support@acme.test"]
