"""Which organisation an email domain belongs to, per brand, remembered briefly by each process.

Every new contact arriving by email asks this, so the brand's domain map is read once every few seconds
instead of once per contact. Changes made through the services forget it at once in that process; other
processes see them within DOMAIN_MAP_SECONDS.
"""

from __future__ import annotations

import threading
import time

from frontdesk.contacts.models import Organisation

DOMAIN_MAP_SECONDS = 10.0
_maps: dict[int, tuple[float, dict[str, int]]] = {}
_lock = threading.Lock()


def organisation_id_for(brand_id: int, email: str) -> int | None:
    domain = email.rpartition("@")[2].lower()
    if not domain:
        return None
    return _domain_map(brand_id).get(domain)


def _domain_map(brand_id: int) -> dict[str, int]:
    entry = _maps.get(brand_id)
    if entry is not None and time.monotonic() - entry[0] < DOMAIN_MAP_SECONDS:
        return entry[1]
    found: dict[str, int] = {}
    for org_id, domains in Organisation.objects.filter(brand_id=brand_id).order_by("id").values_list("id", "domains"):
        for domain in domains or []:
            found.setdefault(str(domain).lower(), org_id)  # the oldest organisation claiming a domain keeps it
    with _lock:
        _maps[brand_id] = (time.monotonic(), found)
    return found


def forget(brand_id: int | None = None) -> None:
    with _lock:
        if brand_id is None:
            _maps.clear()
        else:
            _maps.pop(brand_id, None)
