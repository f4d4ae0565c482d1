"""Checking custom field values against the admin's definitions."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db.models import Q

from frontdesk.core.errors import ValidationFailed
from frontdesk.tickets import errors
from frontdesk.tickets.choices import FieldType
from frontdesk.tickets.models import CustomField


def definitions(brand_id: int) -> dict[str, CustomField]:
    rows = CustomField.objects.filter(Q(brand_id=brand_id) | Q(brand__isnull=True), is_active=True)
    return {f.key: f for f in rows}


def _coerce(field: CustomField, value: Any) -> Any:
    if value is None or value == "":
        return None
    kind = field.field_type
    try:
        if kind == FieldType.NUMBER:
            if isinstance(value, bool):
                raise ValueError
            number = float(value)
            if not math.isfinite(number):  # NaN and infinity are not JSON: no database would store them
                raise ValueError
            return int(number) if number.is_integer() else number
        if kind == FieldType.CHECKBOX:
            if isinstance(value, bool):
                return value
            if str(value).lower() in {"true", "1", "yes", "on"}:
                return True
            if str(value).lower() in {"false", "0", "no", "off"}:
                return False
            raise ValueError
        if kind == FieldType.DATE:
            return dt.date.fromisoformat(str(value)).isoformat()
        if kind == FieldType.DROPDOWN:
            if str(value) not in [str(o) for o in field.options]:
                raise ValueError
            return str(value)
        text = str(value)
        if len(text) > 1000:
            raise ValueError
        return text
    except (TypeError, ValueError):
        raise ValidationFailed(
            f"{value!r} is not a valid value for {field.label} ({kind}"
            + (f": one of {', '.join(map(str, field.options))}" if kind == FieldType.DROPDOWN else "")
            + ").",
            code=errors.INVALID_FIELD,
            details={"field": field.key},
        ) from None


def clean_custom_fields(
    brand_id: int, values: dict[str, Any], *, known: dict[str, CustomField] | None = None
) -> dict[str, Any]:
    """Values checked and coerced; `known` (from definitions()) saves the lookup when checking many tickets."""
    if not values:
        return {}
    if not isinstance(values, dict):
        raise ValidationFailed("custom_fields must be an object of key: value.", code=errors.INVALID_FIELD)
    known = definitions(brand_id) if known is None else known
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ValidationFailed(
            f"Unknown custom field(s): {', '.join(unknown)}.", code=errors.INVALID_FIELD, details={"fields": unknown}
        )
    cleaned = {key: _coerce(known[key], value) for key, value in values.items()}
    return {k: v for k, v in cleaned.items() if v is not None}


def missing_required_fields(brand_id: int, values: dict[str, Any]) -> list[str]:
    return [f.label for f in definitions(brand_id).values() if f.required_to_solve and values.get(f.key) in (None, "")]
