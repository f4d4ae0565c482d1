"""API token format and checking: `fd_<prefix>_<secret>`; only a SHA-256 of the secret is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets

PREFIX_BYTES = 6
SECRET_BYTES = 24


def generate() -> tuple[str, str, str]:
    """Return (full token shown once, prefix, secret hash)."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return f"fd_{prefix}_{secret}", prefix, hash_secret(secret)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split(token: str) -> tuple[str, str] | None:
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != "fd" or not parts[1] or not parts[2]:
        return None
    # Only well-formed prefixes reach the database: garbage from a header never becomes a query parameter.
    if len(parts[1]) != PREFIX_BYTES * 2 or not all(c in "0123456789abcdef" for c in parts[1]):
        return None
    if len(parts[2]) > 200 or "\x00" in parts[2]:
        return None
    return parts[1], parts[2]


def matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)
