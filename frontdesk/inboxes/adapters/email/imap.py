"""IMAP polling: mail of a mailbox elsewhere (Gmail, Microsoft 365, any IMAP server) read on a schedule.

Per inbox, `Inbox.settings["imap"]` says where and how to log in:

    {"host": "imap.example.com", "port": 993, "ssl": true, "starttls": false, "username": "support@acme.test",
     "auth": "password", "password_env": "FRONTDESK_IMAP_ACME_PASSWORD",
     "folder": "INBOX", "interval_s": 60, "mark_seen": false, "start": "all"}

Secrets never sit in the settings: they name environment variables. For OAuth 2.0 (`"auth": "xoauth2"`, the
SASL mechanism Gmail and Outlook use) either `"access_token_env"` names a variable holding a current access
token, or `"token_url"` with `"client_id_env"`, `"client_secret_env"` and `"refresh_token_env"` lets the poller
get access tokens itself (refresh-token grant, RFC 6749 section 6), kept in memory until they expire.

A poll reads the messages whose UID is above the folder's cursor (`ImapCursor`), hands each to `receive_raw`
and moves the cursor past it once that committed. Messages are read with BODY.PEEK (the folder is opened
read-only unless `mark_seen` asks to flag what was stored as \\Seen). The first poll reads the mail already in
the folder too, unless `"start": "new"` says to begin with what arrives from then on (a mailbox with years of
history is not turned into tickets). When the server announces another UIDVALIDITY the folder is read from the
start; the intake recognises what it already has. A failing server leaves its error on the cursor
(`last_error`) and the next poll tries again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import imaplib
import json
import logging
import os
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessage, MailMessageFlags
from imap_tools.errors import MailboxLoginError

from frontdesk.inboxes.adapters.email.models import ImapCursor
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.inboxes.models import Inbox

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL_S = 60
MIN_INTERVAL_S = 10
DEFAULT_BATCH = 200  # messages per poll at most; the next poll goes on where this one stopped
ERROR_MAX = 1000


class ImapConfigError(Exception):
    """The inbox's IMAP settings are incomplete or a named environment variable is missing."""


class ImapTokenError(Exception):
    """The OAuth token endpoint did not give an access token."""


class ImapProtocolError(Exception):
    """The server answered outside the protocol (no UIDVALIDITY, say)."""


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    security: str  # "ssl" (implicit TLS), "starttls" or "none"
    username: str
    auth: str  # "password" or "xoauth2"
    folder: str
    interval_s: int
    mark_seen: bool
    batch: int
    timeout: float
    verify_tls: bool
    ca_file: str
    start_new: bool  # "start": "new": the first poll skips the mail already there ("all", the default, reads it)
    raw: dict[str, Any]

    @classmethod
    def from_inbox(cls, inbox: Inbox) -> ImapSettings | None:
        """The inbox's IMAP settings, None when it has none; ImapConfigError when they are incomplete."""
        raw = inbox.settings.get("imap") if isinstance(inbox.settings, dict) else None
        if not isinstance(raw, dict) or not raw:
            return None
        host, username = str(raw.get("host") or "").strip(), str(raw.get("username") or "").strip()
        if not host or not username:
            raise ImapConfigError("imap settings need a host and a username")
        use_ssl, starttls = bool(raw.get("ssl", not raw.get("starttls", False))), bool(raw.get("starttls", False))
        security = "ssl" if use_ssl else "starttls" if starttls else "none"
        auth = str(raw.get("auth") or "password").lower()
        if auth not in ("password", "xoauth2"):
            raise ImapConfigError(f"imap auth must be 'password' or 'xoauth2', not {auth!r}")
        try:
            port = int(raw.get("port") or (993 if security == "ssl" else 143))
            interval = max(MIN_INTERVAL_S, int(raw.get("interval_s") or DEFAULT_INTERVAL_S))
            batch = max(1, int(raw.get("batch") or DEFAULT_BATCH))
            timeout = float(raw.get("timeout_s") or 30)
        except (TypeError, ValueError) as exc:
            raise ImapConfigError(f"imap settings: {exc}") from None
        return cls(
            host=host, port=port, security=security, username=username, auth=auth,
            folder=str(raw.get("folder") or "INBOX"), interval_s=interval, mark_seen=bool(raw.get("mark_seen")),
            batch=batch, timeout=timeout, verify_tls=bool(raw.get("verify_tls", True)),
            ca_file=str(raw.get("ca_file") or ""), start_new=str(raw.get("start") or "all") == "new", raw=raw,
        )

    def secret(self, key: str) -> str:
        """The value of the environment variable whose name is `self.raw[key]`."""
        name = str(self.raw.get(key) or "").strip()
        if not name:
            raise ImapConfigError(f"imap settings name no environment variable in {key!r}")
        value = os.environ.get(name, "")
        if not value:
            raise ImapConfigError(f"the environment variable {name} (imap {key}) is not set")
        return value


# -- OAuth 2.0 access tokens -----------------------------------------------------------------------------------

_tokens: dict[str, tuple[str, float]] = {}
_tokens_lock = threading.Lock()


def _token_key(cfg: ImapSettings) -> str:
    parts = [str(cfg.raw.get("token_url")), cfg.secret("client_id_env"), cfg.secret("refresh_token_env")]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def access_token(cfg: ImapSettings, *, refresh: bool = False) -> tuple[str, bool]:
    """An access token for XOAUTH2 and whether it came from the token endpoint (so may be refreshed)."""
    if not cfg.raw.get("token_url"):
        return cfg.secret("access_token_env"), False
    key = _token_key(cfg)
    with _tokens_lock:
        cached = _tokens.get(key)
    if cached is not None and not refresh and cached[1] > time.time() + 60:
        return cached[0], True
    token, expires_in = _refresh_token(cfg)
    with _tokens_lock:
        _tokens[key] = (token, time.time() + expires_in)
    return token, True


def _refresh_token(cfg: ImapSettings) -> tuple[str, float]:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": cfg.secret("refresh_token_env"),
        "client_id": cfg.secret("client_id_env"),
    }
    if cfg.raw.get("client_secret_env"):
        form["client_secret"] = cfg.secret("client_secret_env")
    if cfg.raw.get("scope"):
        form["scope"] = str(cfg.raw["scope"])
    request = urllib.request.Request(
        str(cfg.raw["token_url"]),
        data=urllib.parse.urlencode(form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=cfg.timeout) as response:  # the inbox's configured URL
            body = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise ImapTokenError(f"the token endpoint answered {exc.code}: {_oauth_error(exc)}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ImapTokenError(f"the token endpoint could not be read: {exc}") from None
    token = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise ImapTokenError("the token endpoint gave no access_token")
    if body.get("refresh_token") and body["refresh_token"] != form["refresh_token"]:
        # Microsoft rotates refresh tokens; the old one stays valid for its lifetime, which the variable holds.
        logger.info("imap: the token endpoint issued a new refresh token; the configured one is still used")
    try:
        expires_in = float(body.get("expires_in", 3600))
    except (TypeError, ValueError):
        expires_in = 3600.0
    return token, expires_in


def _oauth_error(exc: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(exc.read().decode("utf-8"))
        return str(body.get("error_description") or body.get("error") or "")[:300]
    except Exception:  # an error page that is not JSON says nothing useful
        return exc.reason if isinstance(exc.reason, str) else ""


# -- one poll --------------------------------------------------------------------------------------------------


class _RawMessage(MailMessage):
    """imap-tools' message, keeping the bytes as the server sent them (the intake keeps those)."""

    def __init__(self, fetch_data: list[Any]) -> None:
        self.raw: bytes = self._get_message_data_parts(fetch_data)[0]
        super().__init__(fetch_data)


def _tls_context(cfg: ImapSettings) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=cfg.ca_file or None)
    if not cfg.verify_tls:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def connect(cfg: ImapSettings) -> Any:
    """A logged-in mailbox (imap-tools), no folder selected yet."""
    if cfg.security == "ssl":
        mailbox: Any = MailBox(cfg.host, cfg.port, timeout=cfg.timeout, ssl_context=_tls_context(cfg))
    elif cfg.security == "starttls":
        mailbox = MailBoxStartTls(cfg.host, cfg.port, timeout=cfg.timeout, ssl_context=_tls_context(cfg))
    else:
        mailbox = MailBoxUnencrypted(cfg.host, cfg.port, timeout=cfg.timeout)
    mailbox.email_message_class = _RawMessage
    try:
        if cfg.auth == "password":
            mailbox.login(cfg.username, cfg.secret("password_env"), initial_folder=None)
        else:
            token, refreshable = access_token(cfg)
            try:
                mailbox.xoauth2(cfg.username, token, initial_folder=None)
            except (MailboxLoginError, imaplib.IMAP4.error):
                if not refreshable:
                    raise
                # A cached token may have been revoked before it expired: one more try with a new one.
                mailbox.xoauth2(cfg.username, access_token(cfg, refresh=True)[0], initial_folder=None)
    except BaseException:
        _close(mailbox)
        raise
    return mailbox


def _close(mailbox: Any) -> None:
    with contextlib.suppress(Exception):  # the connection may be gone already
        mailbox.client.shutdown()


def select(mailbox: Any, folder: str, *, readonly: bool) -> tuple[int, int | None]:
    """Open `folder`; returns its UIDVALIDITY and UIDNEXT (None when the server does not say)."""
    mailbox.folder.set(folder, readonly=readonly)
    _, validity = mailbox.client.response("UIDVALIDITY")
    _, uidnext = mailbox.client.response("UIDNEXT")
    try:
        found = int(validity[0])
    except (TypeError, ValueError, IndexError):
        raise ImapProtocolError(f"the server gave no UIDVALIDITY for {folder!r}") from None
    try:
        return found, int(uidnext[0])
    except (TypeError, ValueError, IndexError):
        return found, None


def _newest_uid(mailbox: Any, uidnext: int | None) -> int:
    if uidnext is not None:
        return uidnext - 1
    return max((int(u) for u in mailbox.uids("ALL", charset=None)), default=0)


@dataclass
class PollResult:
    inbox_id: int
    stored: int = 0
    duplicates: int = 0
    error: str = ""
    uidvalidity_changed: bool = False


def _describe(exc: BaseException) -> str:
    # Exception texts here are the server's answers and our own messages: no secret is ever part of them.
    text = str(exc).strip() or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:ERROR_MAX]


def poll_inbox(inbox: Inbox) -> PollResult:
    """Read the new messages of the inbox's IMAP folder into intakes; never raises for a server's fault."""
    from frontdesk.inboxes.intake import receive_raw

    result = PollResult(inbox.pk)
    now = timezone.now()
    try:
        cfg = ImapSettings.from_inbox(inbox)
    except ImapConfigError as exc:
        cfg = None
        result.error = _describe(exc)
    folder = cfg.folder if cfg else str((inbox.settings.get("imap") or {}).get("folder") or "INBOX")
    cursor, _ = ImapCursor.objects.get_or_create(inbox=inbox, folder=folder)
    if cfg is None:
        _finish(cursor, now, result)
        return result
    mailbox = None
    try:
        mailbox = connect(cfg)
        uidvalidity, uidnext = select(mailbox, cfg.folder, readonly=not cfg.mark_seen)
        if cursor.uidvalidity != uidvalidity:
            first = cursor.uidvalidity is None
            if not first:
                logger.warning("imap: inbox %s %s has a new UIDVALIDITY; reading it again", inbox.pk, cfg.folder)
                result.uidvalidity_changed = True
            # A mailbox connected with "start": "new" leaves the mail already in it alone.
            start = _newest_uid(mailbox, uidnext) if first and cfg.start_new else 0
            cursor.uidvalidity, cursor.last_uid = uidvalidity, start
            cursor.save(update_fields=["uidvalidity", "last_uid"])
        # "UID n:*" always includes the highest UID, even below n (RFC 3501 6.4.8): filter here.
        found = (int(u) for u in mailbox.uids(f"UID {cursor.last_uid + 1}:*", charset=None))
        uids = sorted(u for u in found if u > cursor.last_uid)[: cfg.batch]
        # (An empty uid_list would make imap-tools fetch the whole folder.)
        for message in mailbox.fetch(uid_list=[str(u) for u in uids], mark_seen=False) if uids else ():
            uid = int(message.uid or 0)
            if uid <= cursor.last_uid:
                continue
            envelope = {"imap": {"host": cfg.host, "folder": cfg.folder, "uidvalidity": uidvalidity, "uid": uid}}
            stored = receive_raw(inbox, message.raw, source="imap", envelope=envelope)
            # Committed: the cursor may move past it (only forward, and only within this UIDVALIDITY).
            ImapCursor.objects.filter(pk=cursor.pk, uidvalidity=uidvalidity, last_uid__lt=uid).update(last_uid=uid)
            cursor.last_uid = uid
            if stored.duplicate:
                result.duplicates += 1
            else:
                result.stored += 1
            if cfg.mark_seen:
                mailbox.flag(str(uid), MailMessageFlags.SEEN, True)
    except Exception as exc:  # the server's fault or ours: recorded on the cursor, the next poll tries again
        result.error = _describe(exc)
        logger.warning("imap: poll of inbox %s failed: %s", inbox.pk, result.error)
    finally:
        if mailbox is not None:
            try:
                mailbox.logout()
            except Exception:
                _close(mailbox)
    _finish(cursor, now, result)
    return result


def _finish(cursor: ImapCursor, now: dt.datetime, result: PollResult) -> None:
    fields: dict[str, Any] = {"last_polled_at": now, "last_error": result.error}
    if not result.error:
        fields["last_success_at"] = timezone.now()
    ImapCursor.objects.filter(pk=cursor.pk).update(**fields)


def imap_inboxes() -> list[Inbox]:
    """Active email inboxes with IMAP settings."""
    inboxes = Inbox.objects.filter(channel_kind=ChannelKind.EMAIL, is_active=True).select_related("brand")
    return [i for i in inboxes if isinstance(i.settings, dict) and isinstance(i.settings.get("imap"), dict)]


def claim_due(inbox: Inbox, now: dt.datetime | None = None) -> bool:
    """True when the inbox's poll is due, and marks it started so that no other worker starts it too."""
    now = now or timezone.now()
    raw = inbox.settings.get("imap") or {}
    try:
        interval = max(MIN_INTERVAL_S, int(raw.get("interval_s") or DEFAULT_INTERVAL_S))
    except (TypeError, ValueError):
        interval = DEFAULT_INTERVAL_S
    folder = str(raw.get("folder") or "INBOX")
    cursor, _ = ImapCursor.objects.get_or_create(inbox=inbox, folder=folder)
    if cursor.last_polled_at is not None and now - cursor.last_polled_at < dt.timedelta(seconds=interval):
        return False
    # Compare-and-set on the time of the last poll: of two workers deciding at once, one wins.
    claimed = ImapCursor.objects.filter(pk=cursor.pk, last_polled_at=cursor.last_polled_at)
    if cursor.last_polled_at is None:
        claimed = ImapCursor.objects.filter(pk=cursor.pk, last_polled_at__isnull=True)
    return bool(claimed.update(last_polled_at=now))


def claim_due_inboxes() -> list[Inbox]:
    """The inboxes whose poll is due, each claimed for the caller."""
    return [inbox for inbox in imap_inboxes() if claim_due(inbox)]


def poll_inbox_id(inbox_id: int) -> PollResult | None:
    inbox = Inbox.objects.filter(pk=inbox_id, is_active=True).select_related("brand").first()
    return poll_inbox(inbox) if inbox is not None else None
