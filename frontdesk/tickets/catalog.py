"""Writes to what admins define for tickets: tags and custom fields."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from frontdesk.accounts import permissions
from frontdesk.accounts.models import Agent
from frontdesk.core.errors import Conflict, ValidationFailed
from frontdesk.core.models import Brand
from frontdesk.tickets import errors
from frontdesk.tickets.choices import FieldType
from frontdesk.tickets.models import CustomField, Tag
from frontdesk.tickets.services import normalise_tag

_COLOR_LEN = 7


def _color(value: str) -> str:
    value = (value or "").strip()
    if (
        len(value) != _COLOR_LEN
        or not value.startswith("#")
        or not all(c in "0123456789abcdefABCDEF" for c in value[1:])
    ):
        raise ValidationFailed(f"{value!r} is not a colour like #4f46e5.", code=errors.INVALID_FIELD)
    return value.lower()


def create_tag(actor: Agent, *, name: str, color: str = "#64748b") -> Tag:
    permissions.require_writer(actor)
    name = normalise_tag(name)
    try:
        with transaction.atomic():
            return Tag.objects.create(name=name, color=_color(color))
    except IntegrityError:
        raise Conflict(f"The tag {name!r} already exists.", code="tag_exists") from None


def update_tag(actor: Agent, tag: Tag, *, name: str | None = None, color: str | None = None) -> Tag:
    permissions.require_admin(actor)
    fields: list[str] = []
    if name is not None:
        new = normalise_tag(name)
        if new != tag.name and Tag.objects.filter(name=new).exists():
            raise Conflict(f"The tag {new!r} already exists.", code="tag_exists")
        tag.name = new
        fields.append("name")
    if color is not None:
        tag.color = _color(color)
        fields.append("color")
    if fields:
        tag.save(update_fields=fields)
    return tag


def delete_tag(actor: Agent, tag: Tag) -> None:
    permissions.require_admin(actor)
    tag.delete()


def _clean_field_definition(field_type: str, options: list[Any] | None) -> list[str]:
    if field_type not in FieldType.values:
        raise ValidationFailed(
            f"Unknown field type {field_type!r}; use one of {', '.join(FieldType.values)}.", code=errors.INVALID_FIELD
        )
    cleaned = [str(o).strip() for o in options or [] if str(o).strip()]
    if field_type == FieldType.DROPDOWN and not cleaned:
        raise ValidationFailed("A dropdown field needs at least one option.", code=errors.INVALID_FIELD)
    return cleaned if field_type == FieldType.DROPDOWN else []


def create_custom_field(
    actor: Agent,
    *,
    key: str,
    label: str,
    field_type: str = FieldType.TEXT,
    options: list[Any] | None = None,
    brand: Brand | None = None,
    required_to_solve: bool = False,
    position: int = 0,
) -> CustomField:
    permissions.require_admin(actor)
    key = (key or "").strip().lower().replace("-", "_").replace(" ", "_")
    if not key or not key.replace("_", "").isalnum() or len(key) > 60:
        raise ValidationFailed("A field key is 1 to 60 letters, digits or underscores.", code=errors.INVALID_FIELD)
    if not (label or "").strip():
        raise ValidationFailed("A field needs a label.", code=errors.INVALID_FIELD)
    cleaned = _clean_field_definition(field_type, options)
    if CustomField.objects.filter(key=key).exists():
        raise Conflict(f"A field with key {key!r} already exists.", code="field_exists")
    return CustomField.objects.create(
        key=key,
        label=label.strip()[:120],
        field_type=field_type,
        options=cleaned,
        brand=brand,
        required_to_solve=required_to_solve,
        position=position,
    )


def update_custom_field(actor: Agent, field: CustomField, **changes: Any) -> CustomField:
    permissions.require_admin(actor)
    allowed = {"label", "options", "required_to_solve", "position", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(
            f"Cannot change {', '.join(sorted(unknown))} on a field (key and type are fixed).",
            code=errors.INVALID_FIELD,
        )
    if "options" in changes:
        changes["options"] = _clean_field_definition(field.field_type, changes["options"])
    if "label" in changes and not (changes["label"] or "").strip():
        raise ValidationFailed("A field needs a label.", code=errors.INVALID_FIELD)
    for name, value in changes.items():
        setattr(field, name, value)
    if changes:
        field.save(update_fields=list(changes))
    return field
