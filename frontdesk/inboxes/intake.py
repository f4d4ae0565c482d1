"""Where every received payload enters: kept raw, stored once, turned into a message in the same transaction.

`receive_raw` returns only after COMMIT, so a transport may acknowledge the payload (an SMTP `250`, an HTTP
`200` to a provider's webhook, an IMAP `\\Seen` flag) as soon as it returns: what was acknowledged is on disk.
A payload that cannot be read is kept too (status `failed`, with the error), so nothing received is lost and
`reprocess` can try again after a fix. A payload received twice (the same Message-ID from the same sender, the
same provider id, or the same bytes) is stored once: the second call returns the first intake.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from frontdesk.core.db import rows
from frontdesk.core.errors import DomainError
from frontdesk.inboxes.adapters.base import InboundMessage
from frontdesk.inboxes.adapters.registry import get_adapter
from frontdesk.inboxes.choices import IntakeStatus
from frontdesk.inboxes.models import Inbox, Intake, intake_path

logger = logging.getLogger(__name__)
MAX_KEY = 500


@dataclass
class IntakeResult:
    intake: Intake
    duplicate: bool = False

    @property
    def message_id(self) -> int | None:
        return self.intake.message_id


def dedup_key(message: InboundMessage | None, *, source: str, provider_id: str, sha256: str) -> str:
    """Message-ID and sender first (the same mail by IMAP and by webhook is one mail), then the provider's id,
    then the bytes themselves (a client retrying a mail without a Message-ID sends the same bytes)."""
    if message is not None and message.message_id:
        key = f"mid:{message.message_id}\n{message.sender_address.lower()}"
    elif provider_id:
        key = f"pid:{source}:{provider_id}"
    else:
        key = f"sha:{sha256}"
    if len(key) > MAX_KEY:
        key = f"{key[:4]}sha:{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()}"
    return key


def _store_raw(intake: Intake, raw: bytes) -> None:
    if len(raw) <= settings.INTAKE_INLINE_MAX_BYTES:
        intake.content = raw  # in the intake's row: committed with it, no file to create
        return
    # Content-addressed: the same bytes are written once, whatever the number of intakes naming them.
    name = intake_path(intake, "")
    if isinstance(default_storage, FileSystemStorage):
        _write_file(Path(default_storage.path(name)), raw)
    elif not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(raw))
    intake.raw.name = name


def _write_file(path: Path, raw: bytes) -> None:
    """The local-disk fast path (what FileSystemStorage.save does, without its name search: the name is the
    hash). Written under a temporary name and renamed, so a crash never leaves a truncated file under it."""
    if path.exists():
        return
    folder = path.parent
    if folder not in _folders:
        folder.mkdir(parents=True, exist_ok=True)
        _folders.add(folder)
    temporary = folder / f".{path.name}.{os.getpid()}.{threading.get_ident()}"
    with open(temporary, "wb") as handle:
        handle.write(raw)
    os.replace(temporary, path)


_folders: set[Path] = set()


def _existing(brand_id: int, key: str) -> Intake | None:
    with connection.cursor() as cursor:
        table = Intake._meta.db_table
        # `NOT (dedup_key = '')` is the unique index's own condition: without it SQLite cannot use that partial
        # index, and reads every intake of the brand instead.
        cursor.execute(
            f"SELECT id FROM {table} WHERE brand_id = %s AND dedup_key = %s AND NOT (dedup_key = '')", [brand_id, key]
        )
        row = cursor.fetchone()
    return Intake.objects.defer("content").get(pk=row[0]) if row else None


def _finish(intake: Intake) -> None:
    intake.processed_at = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Intake._meta.db_table} SET status = %s, error = %s, message_id = %s, processed_at = %s "
            "WHERE id = %s",
            [intake.status, intake.error, intake.message_id,
             Intake._meta.get_field("processed_at").get_db_prep_save(intake.processed_at, connection), intake.pk],
        )


def _parse(inbox: Inbox, raw: bytes, headers: dict[str, str]) -> tuple[list[InboundMessage], str]:
    try:
        return get_adapter(inbox.channel_kind).parse_inbound(raw, headers), ""
    except Exception as exc:  # a payload nobody can read is still kept, with the reason
        logger.exception("inbox %s: could not parse a %d-byte payload", inbox.pk, len(raw))
        return [], f"{type(exc).__name__}: {exc}"[:2000]


@dataclass
class Payload:
    """One payload to store: what `receive_raw` and `receive_many` take."""

    inbox: Inbox
    raw: bytes
    source: str
    envelope: dict[str, Any] | None = None
    provider_id: str = ""
    headers: dict[str, str] | None = None


@dataclass
class _Ready:
    """A payload read and checked before its transaction: what is left is to write it."""

    intake: Intake
    messages: list[InboundMessage]
    error: str
    prepared: list[Any]


def receive_raw(
    inbox: Inbox,
    raw: bytes,
    *,
    source: str,
    envelope: dict[str, Any] | None = None,
    provider_id: str = "",
    headers: dict[str, str] | None = None,
) -> IntakeResult:
    """Keep `raw`, received for `inbox` by `source`, and store what it says; returns after COMMIT."""
    ready = _read(Payload(inbox, raw, source, envelope, provider_id, headers))
    if isinstance(ready, IntakeResult):
        return ready
    return _write(ready)


def receive_many(payloads: list[Payload]) -> list[IntakeResult | BaseException]:
    """Store several payloads in one transaction (one commit for all: a listener's group commit); returns after
    COMMIT, for each payload its IntakeResult or the exception that kept it out. Each payload is written in its
    own savepoint, so one that fails takes nothing else with it."""
    out: list[IntakeResult | BaseException | _Ready] = []
    for payload in payloads:
        try:
            out.append(_read(payload))
        except Exception as exc:  # this payload only: the others are stored
            logger.exception("inbox %s: could not read a %d-byte payload", payload.inbox.pk, len(payload.raw))
            out.append(exc)
    if not any(isinstance(item, _Ready) for item in out):
        return [item for item in out if not isinstance(item, _Ready)]
    results: list[IntakeResult | BaseException] = []
    with transaction.atomic():
        for item in out:
            if not isinstance(item, _Ready):
                results.append(item)
                continue
            try:
                results.append(_write(item))  # in a savepoint of its own
            except Exception as exc:
                logger.exception("inbox %s: could not store a payload", item.intake.inbox_id)
                results.append(exc)
    return results


def _read(payload: Payload) -> _Ready | IntakeResult:
    """Parse, check for a duplicate, keep the bytes, and do the pipeline's reads: all before the transaction."""
    from frontdesk.inboxes import pipeline

    inbox, raw = payload.inbox, payload.raw
    sha = hashlib.sha256(raw).hexdigest()
    messages, error = _parse(inbox, raw, _transport_headers(payload))
    key = dedup_key(
        messages[0] if messages else None, source=payload.source, provider_id=payload.provider_id, sha256=sha
    )
    existing = _existing(inbox.brand_id, key)
    if existing is not None:
        return IntakeResult(existing, duplicate=True)
    intake = Intake(
        inbox=inbox, brand_id=inbox.brand_id, source=payload.source[:40], dedup_key=key, sha256=sha, size=len(raw),
        envelope=payload.envelope or {}, received_at=timezone.now(),
    )
    _store_raw(intake, raw)
    return _Ready(intake, messages, error, _prepare(pipeline, inbox, messages))


def _transport_headers(payload: Payload) -> dict[str, str]:
    """What the transport said besides the payload: its headers, the envelope's sender as `Envelope-From` (for
    a mail whose From names nobody), and the recipients of its envelope (SMTP's RCPT TO, a provider's envelope)
    as `Envelope-To`, which the headers of a mail may not show (Bcc, a reply address rewritten in To)."""
    headers = dict(payload.headers or {})
    mail_from = (payload.envelope or {}).get("mail_from")
    if isinstance(mail_from, str) and "@" in mail_from:
        headers.setdefault("Envelope-From", mail_from)
    rcpt = (payload.envelope or {}).get("rcpt_to")
    if isinstance(rcpt, list) and not any(k.lower() == "envelope-to" for k in headers):
        named = [r for r in rcpt if isinstance(r, str) and "@" in r]
        if named:
            headers["Envelope-To"] = ", ".join(named)
    return headers


def _write(ready: _Ready) -> IntakeResult:
    """Write a read payload: in a transaction of its own, or in a savepoint of the caller's (a batch), which
    commits before acknowledging anything."""
    from frontdesk.inboxes import pipeline

    intake, messages, error = ready.intake, ready.messages, ready.error
    try:
        with transaction.atomic():
            rows.insert(intake)
            if error or not messages:
                intake.status, intake.error = IntakeStatus.FAILED, error or "The payload holds no message."
            else:
                _run_pipeline(pipeline, intake.inbox, messages, intake, ready.prepared)
            _finish(intake)
    except IntegrityError:
        # The same payload arrived on another connection (or earlier in the same batch) since our check.
        existing = _existing(intake.brand_id, intake.dedup_key)
        if existing is None:
            raise
        return IntakeResult(existing, duplicate=True)
    return IntakeResult(intake)


def _prepare(pipeline: Any, inbox: Inbox, messages: list[InboundMessage]) -> list[Any]:
    """The pipeline's reads, before the transaction (which then holds SQLite's write lock for writes only)."""
    try:
        return [pipeline.prepare(inbox, message) for message in messages]
    except Exception:  # the same reads happen again inside, where a failure is recorded on the intake
        logger.exception("inbox %s: preparing a message failed; reading again inside the transaction", inbox.pk)
        return [None] * len(messages)


def _run_pipeline(
    pipeline: Any, inbox: Inbox, messages: list[InboundMessage], intake: Intake, prepared: list[Any] | None = None
) -> None:
    ready = prepared or [None] * len(messages)
    try:
        with transaction.atomic():  # a savepoint: a failing message leaves the intake row, marked failed
            stored = [
                pipeline.receive(inbox, message, intake=intake, prepared=early)
                for message, early in zip(messages, ready, strict=True)
            ]
    except Exception as exc:  # kept as failed with its reason: `reprocess` tries again after a fix
        logger.exception("inbox %s: intake %s could not be stored", inbox.pk, intake.pk)
        reason = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"  # for people
        intake.status, intake.error = IntakeStatus.FAILED, reason[:2000]
        return
    first = next((m for m in stored if m is not None), None)
    intake.message = first
    intake.status = IntakeStatus.DONE if first is not None else IntakeStatus.IGNORED


def reprocess(intake: Intake) -> IntakeResult:
    """Read a kept payload again (after a parser fix): a failed intake becomes a message."""
    from frontdesk.inboxes import pipeline

    if intake.status != IntakeStatus.FAILED:
        return IntakeResult(intake, duplicate=True)
    raw = intake.read_raw()
    transport = _transport_headers(Payload(intake.inbox, raw, intake.source, intake.envelope))
    messages, error = _parse(intake.inbox, raw, transport)
    with transaction.atomic():
        if error or not messages:
            intake.error = error or "The payload holds no message."
        else:
            intake.error = ""
            _run_pipeline(pipeline, intake.inbox, messages, intake)
        intake.processed_at = timezone.now()
        intake.save(update_fields=["status", "error", "message", "processed_at"])
    return IntakeResult(intake)
