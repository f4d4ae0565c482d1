"""IMAP polling against a real IMAP server (Debian's Dovecot, run by the test), by password and by XOAUTH2."""

from __future__ import annotations

import itertools
import os
import secrets
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from imap_tools import MailBoxUnencrypted

from frontdesk.inboxes.adapters.email import imap, tasks
from frontdesk.inboxes.adapters.email.models import ImapCursor
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.inboxes.models import Inbox, Intake
from frontdesk.testing import dovecot
from frontdesk.testing.factories import BrandFactory
from frontdesk.testing.mail import candidate_ports, self_signed_certificate
from frontdesk.tickets.choices import Direction
from frontdesk.tickets.models import Message

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not dovecot.available(), reason="Debian's dovecot-imapd is not installed (make test does it)"),
]
_numbers = itertools.count(1)


def inbound_messages():  # type: ignore[no-untyped-def]
    return Message.objects.filter(direction=Direction.INBOUND)  # acknowledgements are messages too


@pytest.fixture(scope="module")
def oauth() -> Iterator[dovecot.OAuthServer]:
    server = dovecot.OAuthServer(clients={"frontdesk-client": "client-secret-1"}).start()
    yield server
    server.stop()


USERS = {f"box{n}@acme.test": secrets.token_urlsafe(12) for n in range(1, 21)}  # a mailbox for each test


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("tls")
    os.chmod(folder, 0o755)  # Dovecot reads the files after dropping privileges
    return self_signed_certificate(folder)


@pytest.fixture(scope="module")
def server(oauth, certificate) -> Iterator[dovecot.Dovecot]:  # type: ignore[no-untyped-def]
    running = dovecot.Dovecot(dict(USERS), oauth, certificate=certificate).start()
    yield running
    running.cleanup()


@dataclass
class Account:
    user: str
    password: str
    server: dovecot.Dovecot

    def deliver(self, *mails: bytes, folder: str = "INBOX") -> None:
        with MailBoxUnencrypted("127.0.0.1", self.server.port) as box:
            box.login(self.user, self.password, initial_folder=None)
            if folder != "INBOX" and not box.folder.exists(folder):
                box.folder.create(folder)
            for raw in mails:
                box.append(raw, folder)

    def flags(self, folder: str = "INBOX") -> list[tuple[str, ...]]:
        with MailBoxUnencrypted("127.0.0.1", self.server.port) as box:
            box.login(self.user, self.password, initial_folder=folder)
            return [m.flags for m in box.fetch(mark_seen=False, headers_only=True)]

    def recreate(self, folder: str) -> None:
        """Delete and create the folder again: the server gives it a new UIDVALIDITY."""
        with MailBoxUnencrypted("127.0.0.1", self.server.port) as box:
            box.login(self.user, self.password, initial_folder=None)
            box.folder.delete(folder)
            box.folder.create(folder)


@pytest.fixture
def account(server, monkeypatch) -> Account:  # type: ignore[no-untyped-def]
    user = f"box{next(_numbers)}@acme.test"
    password = USERS[user]
    monkeypatch.setenv("FRONTDESK_TEST_IMAP_PASSWORD", password)
    return Account(user, password, server)


def imap_inbox(account: Account, **imap_settings: object) -> Inbox:
    settings = {
        "host": "127.0.0.1", "port": account.server.port, "ssl": False, "starttls": False,
        "username": account.user, "auth": "password", "password_env": "FRONTDESK_TEST_IMAP_PASSWORD",
    } | imap_settings
    return Inbox.objects.create(
        brand=BrandFactory(), name="Acme mail", channel_kind=ChannelKind.EMAIL, address="support@acme.test",
        settings={"imap": settings},
    )


def mail(n: int, subject: str = "") -> bytes:
    message = EmailMessage()
    message["From"] = f"Customer {n} <customer{n}@example.test>"
    message["To"] = "support@acme.test"
    message["Subject"] = subject or f"Question {n}"
    message["Message-ID"] = f"<question-{n}@example.test>"
    message.set_content(f"Question number {n}, with ümlauts.")
    return message.as_bytes().replace(b"\n", b"\r\n")


def test_a_password_poll_stores_new_mail_and_moves_the_cursor(account):
    # Given three mails in the mailbox
    inbox = imap_inbox(account)
    account.deliver(mail(1), mail(2), mail(3))

    # When the inbox is polled
    result = imap.poll_inbox(inbox)

    # Then all three are stored as sent, the cursor is past them, and they are still unread on the server
    assert (result.stored, result.duplicates, result.error) == (3, 0, "")
    intakes = list(Intake.objects.order_by("id"))
    assert [i.source for i in intakes] == ["imap"] * 3
    assert intakes[0].read_raw() == mail(1)
    assert [i.envelope["imap"]["uid"] for i in intakes] == [1, 2, 3]
    cursor = ImapCursor.objects.get(inbox=inbox)
    assert (cursor.folder, cursor.last_uid, cursor.last_error) == ("INBOX", 3, "")
    assert cursor.uidvalidity and cursor.last_polled_at and cursor.last_success_at
    assert all("\\Seen" not in flags for flags in account.flags())


def test_polling_again_never_stores_a_mail_twice(account):
    # Given a mailbox already polled
    inbox = imap_inbox(account)
    account.deliver(mail(11), mail(12))
    imap.poll_inbox(inbox)

    # When it is polled again, then nothing is stored; a new mail is stored alone
    assert imap.poll_inbox(inbox).stored == 0
    account.deliver(mail(13))
    assert imap.poll_inbox(inbox).stored == 1

    # When the cursor is lost (as if a poll died between storing and moving it), then a poll stores nothing new
    ImapCursor.objects.filter(inbox=inbox).update(last_uid=0)
    again = imap.poll_inbox(inbox)
    assert (again.stored, again.duplicates) == (0, 3)
    assert Intake.objects.count() == 3 and inbound_messages().count() == 3
    assert ImapCursor.objects.get(inbox=inbox).last_uid == 3


def test_a_new_uidvalidity_reads_the_folder_again_without_duplicates(account):
    # Given a polled folder
    inbox = imap_inbox(account, folder="Support")
    account.deliver(mail(21), mail(22), folder="Support")
    imap.poll_inbox(inbox)
    before = ImapCursor.objects.get(inbox=inbox)

    # When the server rebuilds the folder (new UIDVALIDITY, UIDs from 1 again) with the same mails and one more
    account.recreate("Support")
    account.deliver(mail(21), mail(22), mail(23), folder="Support")
    result = imap.poll_inbox(inbox)

    # Then only the new mail is stored, and the cursor follows the new UIDVALIDITY
    assert result.uidvalidity_changed
    assert (result.stored, result.duplicates) == (1, 2)
    after = ImapCursor.objects.get(inbox=inbox)
    assert after.uidvalidity != before.uidvalidity and after.last_uid == 3
    assert Intake.objects.count() == 3


def test_xoauth2_with_an_access_token_from_the_environment(account, oauth, monkeypatch):
    # Given an access token for the mailbox (as Gmail or Outlook issue them), in an environment variable
    monkeypatch.setenv("FRONTDESK_TEST_IMAP_TOKEN", oauth.issue(account.user))
    inbox = imap_inbox(account, auth="xoauth2", access_token_env="FRONTDESK_TEST_IMAP_TOKEN")
    account.deliver(mail(31))

    # When polled, then the mail is stored
    assert imap.poll_inbox(inbox).stored == 1

    # And a token the server no longer accepts is reported, not retried with a password
    monkeypatch.setenv("FRONTDESK_TEST_IMAP_TOKEN", "ya29.revoked")
    failed = imap.poll_inbox(inbox)
    assert "AUTHENTICATIONFAILED" in failed.error
    assert "ya29" not in ImapCursor.objects.get(inbox=inbox).last_error


def test_xoauth2_gets_its_access_token_with_the_refresh_token(account, oauth, monkeypatch):
    # Given an OAuth client and a refresh token for the mailbox
    refresh = "1//refresh-" + secrets.token_urlsafe(8)
    oauth.refresh_tokens[refresh] = account.user
    monkeypatch.setenv("FRONTDESK_TEST_CLIENT_ID", "frontdesk-client")
    monkeypatch.setenv("FRONTDESK_TEST_CLIENT_SECRET", "client-secret-1")
    monkeypatch.setenv("FRONTDESK_TEST_REFRESH_TOKEN", refresh)
    inbox = imap_inbox(
        account, auth="xoauth2", token_url=oauth.token_url, client_id_env="FRONTDESK_TEST_CLIENT_ID",
        client_secret_env="FRONTDESK_TEST_CLIENT_SECRET", refresh_token_env="FRONTDESK_TEST_REFRESH_TOKEN",
        scope="https://mail.google.com/",
    )
    account.deliver(mail(41))
    grants = len(oauth.grants)

    # When polled twice, then one token request was made (the token is kept until it expires)
    assert imap.poll_inbox(inbox).stored == 1
    assert imap.poll_inbox(inbox).error == ""
    assert len(oauth.grants) == grants + 1
    grant = oauth.grants[-1]
    assert grant["grant_type"] == "refresh_token" and grant["refresh_token"] == refresh
    assert (grant["client_id"], grant["client_secret"], grant["scope"]) == (
        "frontdesk-client", "client-secret-1", "https://mail.google.com/",
    )

    # When the kept token is revoked early, then the next poll gets a new one and goes on
    oauth.access_tokens.clear()
    account.deliver(mail(42))
    assert imap.poll_inbox(inbox).stored == 1
    assert len(oauth.grants) == grants + 2

    # When the refresh token is revoked, then the token endpoint's answer is the recorded error
    del oauth.refresh_tokens[refresh]
    oauth.access_tokens.clear()
    failed = imap.poll_inbox(inbox)
    assert "invalid_grant" in failed.error or "expired or revoked" in failed.error
    assert refresh not in failed.error


def test_wrong_credentials_are_recorded_and_the_next_poll_recovers(account, monkeypatch):
    inbox = imap_inbox(account)
    account.deliver(mail(51))

    # When the password is wrong, then the failure is on the cursor, without the password
    monkeypatch.setenv("FRONTDESK_TEST_IMAP_PASSWORD", "not-the-password")
    failed = imap.poll_inbox(inbox)
    cursor = ImapCursor.objects.get(inbox=inbox)
    assert "AUTHENTICATIONFAILED" in failed.error and cursor.last_error == failed.error
    assert "not-the-password" not in cursor.last_error and cursor.last_success_at is None

    # When it is right again, then the mail is stored and the error is gone
    monkeypatch.setenv("FRONTDESK_TEST_IMAP_PASSWORD", account.password)
    assert imap.poll_inbox(inbox).stored == 1
    assert ImapCursor.objects.get(inbox=inbox).last_error == ""


@pytest.fixture
def broken_server() -> Iterator[int]:
    """A server that greets like IMAP and hangs up at the first command."""
    listener = socket.socket()
    for port in candidate_ports():
        try:
            listener.bind(("127.0.0.1", port))
            break
        except OSError:
            continue
    listener.listen()
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.sendall(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n")
                conn.recv(1000)

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1]
    stop.set()
    listener.close()


def test_failing_servers_are_recorded_and_do_not_stop_the_others(account, broken_server, monkeypatch):
    # Given an inbox whose server hangs up, one whose server is not there, one with incomplete settings,
    # and a working one with a mail waiting
    hangs_up = imap_inbox(account, port=broken_server)
    taken = (broken_server, account.server.port)
    absent = imap_inbox(account, port=next(p for p in candidate_ports() if p not in taken))
    incomplete = imap_inbox(account, host="")
    working = imap_inbox(account)
    account.deliver(mail(61))

    # When the periodic job runs (inline in tests)
    tasks.poll_imap_inboxes()

    # Then each failure is on its cursor and the working inbox got its mail
    errors = {c.inbox_id: c.last_error for c in ImapCursor.objects.all()}
    assert errors[hangs_up.pk] and errors[absent.pk] and "host" in errors[incomplete.pk]
    assert errors[working.pk] == ""
    assert Intake.objects.filter(inbox=working).count() == 1

    # And none of them is due again before its interval has passed
    assert imap.claim_due_inboxes() == []


def test_mark_seen_flags_what_was_stored(account):
    inbox = imap_inbox(account, mark_seen=True)
    account.deliver(mail(71), mail(72))

    imap.poll_inbox(inbox)

    assert all("\\Seen" in flags for flags in account.flags())


def test_a_poll_is_due_once_per_interval(account):
    inbox = imap_inbox(account, interval_s=120)

    # The first worker to ask claims the poll; a second asking at the same time does not get it
    assert imap.claim_due(inbox) is True
    assert imap.claim_due(inbox) is False

    # Once the interval has passed it is due again
    import datetime as dt

    ImapCursor.objects.filter(inbox=inbox).update(last_polled_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert imap.claim_due(inbox) is True


def test_the_command_polls_one_inbox_or_all_and_reports_failures(account, monkeypatch, capsys):
    inbox = imap_inbox(account)
    account.deliver(mail(81))

    call_command("imap-poll", "--inbox", str(inbox.pk))
    assert "1 stored" in capsys.readouterr().out

    monkeypatch.setenv("FRONTDESK_TEST_IMAP_PASSWORD", "wrong")
    with pytest.raises(CommandError, match="could not be read"):
        call_command("imap-poll")
    with pytest.raises(CommandError, match="no active email inbox"):
        call_command("imap-poll", "--inbox", "999999")


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_tls_connections_check_the_server_certificate(account, certificate, security):
    # Given a server with a certificate the poller is told to trust (ca_file), by implicit TLS or STARTTLS
    port = account.server.tls_port if security == "ssl" else account.server.port
    inbox = imap_inbox(account, port=port, ssl=security == "ssl", starttls=security == "starttls",
                       ca_file=certificate[0])
    account.deliver(mail(91))

    # Then the mail is read over TLS
    assert imap.poll_inbox(inbox).stored == 1

    # And without trusting that certificate the poll fails and says why
    untrusted = imap_inbox(account, port=port, ssl=security == "ssl", starttls=security == "starttls")
    assert "CERTIFICATE_VERIFY_FAILED" in imap.poll_inbox(untrusted).error


def test_a_mailbox_connected_to_start_with_new_mail_leaves_its_history_alone(account):
    # Given a mailbox with old mail, connected with "start": "new"
    account.deliver(mail(101), mail(102))
    inbox = imap_inbox(account, start="new")

    # When polled, then the old mail is left alone; what arrives afterwards is stored
    assert imap.poll_inbox(inbox).stored == 0
    account.deliver(mail(103))
    assert imap.poll_inbox(inbox).stored == 1
    assert Intake.objects.get().envelope["imap"]["uid"] == 3
