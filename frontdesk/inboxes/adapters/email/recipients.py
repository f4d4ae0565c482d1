"""Which email inbox an address belongs to, shared by the SMTP listener and the provider webhooks.

An address reaches an active email inbox by, in order: the inbox's own address or one of its aliases
(`settings["aliases"]`), a sub-address of one of them (`support+orders@acme.test`), a reply address
(`reply+<token>@` any domain of an inbox), or a catch-all domain (`settings["domains"]`). Matching ignores case.
The directory of all email inboxes is one small query, kept in memory for a few seconds so that a busy
listener does not ask the database for every recipient.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models.signals import post_delete, post_save

from frontdesk.inboxes.choices import ChannelKind
from frontdesk.inboxes.models import Inbox

REPLY_LOCAL_PART = "reply"  # replies go out with Reply-To: reply+<signed token>@<the inbox's domain>
MAX_AGE_S = 5.0  # a directory older than this is read again before use
MISS_MAX_AGE_S = 0.5  # an unknown address reads the directory again unless it is this fresh


def normalise(address: str) -> str:
    """`<Support@Acme.TEST>` -> `support@acme.test` (IDNA domains stay as sent: both forms are configured alike)."""
    address = (address or "").strip().strip("<>").strip()
    return address.lower()


@dataclass
class Directory:
    """Addresses and domains of every active email inbox (inbox ids only: no model instances are kept)."""

    addresses: dict[str, int] = field(default_factory=dict)
    catch_all: dict[str, int] = field(default_factory=dict)
    reply_domains: dict[str, int] = field(default_factory=dict)
    built_at: float = 0.0

    def add(self, inbox_id: int, address: str, settings: dict[str, Any]) -> None:
        # The oldest inbox keeps an address configured twice (rows come in id order).
        own = [normalise(a) for a in [address, *_strings(settings.get("aliases"))]]
        for item in own:
            if "@" in item:
                self.addresses.setdefault(item, inbox_id)
                self.reply_domains.setdefault(item.rpartition("@")[2], inbox_id)
        for domain in _strings(settings.get("domains")):
            domain = normalise(domain).lstrip("@")
            if domain:
                self.catch_all.setdefault(domain, inbox_id)
                self.reply_domains.setdefault(domain, inbox_id)

    def resolve(self, address: str) -> int | None:
        """The id of the inbox `address` reaches, or None."""
        address = normalise(address)
        found = self.addresses.get(address)
        if found is not None:
            return found
        local, _, domain = address.rpartition("@")
        if not local or not domain:
            return None
        base, plus, _tag = local.partition("+")
        if plus:
            if base == REPLY_LOCAL_PART and domain in self.reply_domains:
                return self.reply_domains[domain]
            found = self.addresses.get(f"{base}@{domain}")
            if found is not None:
                return found
        return self.catch_all.get(domain)

    def age(self) -> float:
        return time.monotonic() - self.built_at


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return [v for v in value if isinstance(v, str)]
    return []


def build_directory() -> Directory:
    """Read every active email inbox (one query)."""
    directory = Directory()
    rows = (
        Inbox.objects.filter(channel_kind=ChannelKind.EMAIL, is_active=True)
        .order_by("id")
        .values_list("id", "address", "settings")
    )
    for inbox_id, address, settings in rows:
        directory.add(inbox_id, address, settings if isinstance(settings, dict) else {})
    directory.built_at = time.monotonic()
    return directory


_lock = threading.Lock()
_current: Directory | None = None


def cached_directory(max_age: float = MAX_AGE_S) -> Directory | None:
    """The directory in memory if it is at most `max_age` seconds old (no database access)."""
    current = _current
    if current is not None and current.age() <= max_age:
        return current
    return None


def refresh() -> Directory:
    """Read the directory again and keep it."""
    global _current
    directory = build_directory()
    with _lock:
        _current = directory
    return directory


def forget(**_: Any) -> None:
    """Drop the directory in memory (an inbox changed in this process)."""
    global _current
    with _lock:
        _current = None


def inbox_id_for(address: str) -> int | None:
    """The id of the active email inbox `address` reaches, or None. May read the database."""
    directory = cached_directory() or refresh()
    found = directory.resolve(address)
    if found is None and directory.age() > MISS_MAX_AGE_S:
        found = refresh().resolve(address)  # a new inbox may have been added since the directory was read
    return found


def inbox_ids_for(addresses: Iterable[str]) -> dict[str, int]:
    """Each address that reaches an inbox, with that inbox's id."""
    found = {}
    for address in addresses:
        inbox_id = inbox_id_for(address)
        if inbox_id is not None:
            found[address] = inbox_id
    return found


post_save.connect(forget, sender=Inbox, dispatch_uid="email-recipients-forget-on-save")
post_delete.connect(forget, sender=Inbox, dispatch_uid="email-recipients-forget-on-delete")
