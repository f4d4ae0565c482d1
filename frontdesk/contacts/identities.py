"""Normalising addresses so that the same person is found whatever way they typed it."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from frontdesk.contacts import errors
from frontdesk.contacts.choices import IdentityKind
from frontdesk.core.errors import ValidationFailed

_PHONE_STRIP = re.compile(r"[\s().\-/]")


def normalise(kind: str, value: str) -> str:
    """The canonical form stored and looked up; raises ValidationFailed with a clear message."""
    value = (value or "").strip()
    if kind not in IdentityKind.values:
        raise ValidationFailed(f"Unknown identity kind {kind!r}.", code=errors.INVALID_IDENTITY)
    if not value or len(value) > 320:
        raise ValidationFailed(f"A {kind} identity needs a value of 1 to 320 characters.", code=errors.INVALID_IDENTITY)
    if kind == IdentityKind.EMAIL:
        value = value.lower()
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationFailed(f"{value!r} is not an email address.", code=errors.INVALID_IDENTITY) from None
        return value
    if kind in (IdentityKind.PHONE, IdentityKind.WHATSAPP):
        digits = _PHONE_STRIP.sub("", value)
        if digits.startswith("00"):
            digits = "+" + digits[2:]
        if not re.fullmatch(r"\+?\d{5,16}", digits):
            raise ValidationFailed(f"{value!r} is not a phone number.", code=errors.INVALID_IDENTITY)
        return digits if digits.startswith("+") else "+" + digits
    return value
