"""Forms of the settings pages: they parse and check input; the services decide and write."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.utils import timezone

from frontdesk.accounts import queries as account_queries
from frontdesk.accounts.choices import Role, TokenScope
from frontdesk.accounts.models import Agent, Team
from frontdesk.core.models import Brand
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.tickets.choices import FieldType

COLOR = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #4f46e5.")


class ColorInput(forms.TextInput):
    input_type = "color"


def _is_id(value: Any) -> bool:
    text = str(value)
    return text.isascii() and text.isdigit() and len(text) <= 18


class IdChoice(forms.ModelChoiceField):
    """A record picked by id; anything that is not an id is an invalid choice before it reaches the database."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not _is_id(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdChoices(forms.ModelMultipleChoiceField):
    """Records picked by id; out-of-range or non-numeric ids would otherwise overflow the database driver."""

    widget = forms.CheckboxSelectMultiple

    def _check_values(self, value: Any) -> Any:
        for item in value:
            if not _is_id(item):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                )
        return super()._check_values(value)  # type: ignore[misc]  # Django API the stubs leave out


class AgentChoices(IdChoices):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} <{obj.email}>"


class TeamChoices(IdChoices):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.brand.name} · {obj.name}"


class TeamChoice(IdChoice):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.brand.name} · {obj.name}"


def _brand_choices(actor: Agent) -> QuerySet[Brand]:
    return account_queries.brands_for(actor)


def _team_choices(actor: Agent) -> QuerySet[Team]:
    return account_queries.teams_for(actor)


# Brands


class BrandForm(forms.Form):
    name = forms.CharField(max_length=120)
    slug = forms.SlugField(max_length=60, help_text="Short name used in addresses and links, e.g. acme-shop.")
    support_email = forms.EmailField(required=False, label="Support email")
    color = forms.CharField(initial="#4f46e5", validators=[COLOR], widget=ColorInput, label="Colour")

    def clean_slug(self) -> str:
        return self.cleaned_data["slug"].lower()


class BrandEditForm(BrandForm):
    is_active = forms.BooleanField(
        required=False, label="Active", help_text="Marks a brand no longer in use; all its data stays."
    )


# Teams


def _members_outside_brand(members: list[Agent], brand: Brand) -> list[str]:
    """Names of chosen members who do not work in `brand` (admins work in every brand); one query."""
    ids = [m.pk for m in members]
    if not ids:
        return []
    outside = Agent.objects.filter(pk__in=ids).exclude(role=Role.ADMIN).exclude(brands=brand)
    return list(outside.values_list("name", flat=True))


class TeamForm(forms.Form):
    brand = IdChoice(queryset=Brand.objects.none(), empty_label=None)
    name = forms.CharField(max_length=120)
    members = AgentChoices(queryset=Agent.objects.none(), required=False)

    def __init__(self, *args: Any, actor: Agent, brand: Brand | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fixed_brand = brand
        if brand is not None:
            del self.fields["brand"]
        else:
            self.fields["brand"].queryset = _brand_choices(actor)  # type: ignore[attr-defined]
        members = account_queries.agents_for(actor)
        if brand is not None:
            # An existing team offers only the people who work in its brand.
            members = members.filter(Q(brands=brand) | Q(role=Role.ADMIN)).distinct()
        self.fields["members"].queryset = members  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        brand = self.fixed_brand or data.get("brand")
        outside = _members_outside_brand(list(data.get("members") or []), brand) if brand else []
        if outside:
            self.add_error("members", f"{', '.join(outside)} do(es) not work in {brand}; add the brand to them first.")
        return data


# Agents


class AgentForm(forms.Form):
    name = forms.CharField(max_length=120)
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Role.choices, initial=Role.AGENT)
    brands = IdChoices(queryset=Brand.objects.none(), required=False)
    teams = TeamChoices(queryset=Team.objects.none(), required=False)

    def __init__(self, *args: Any, actor: Agent, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["brands"].queryset = _brand_choices(actor)  # type: ignore[attr-defined]
        self.fields["teams"].queryset = _team_choices(actor)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") != Role.ADMIN:
            brand_ids = {b.pk for b in data.get("brands") or []}
            stray = [str(t) for t in data.get("teams") or [] if t.brand_id not in brand_ids]
            if stray:
                self.add_error("teams", f"Team(s) {', '.join(stray)} belong to a brand this agent is not in.")
        return data


class AgentCreateForm(AgentForm):
    SEND_EMAIL = "email"
    SET_PASSWORD = "password"
    password_mode = forms.ChoiceField(
        label="Password",
        choices=[(SEND_EMAIL, "Send a password-set email"), (SET_PASSWORD, "Set an initial password")],
        initial=SEND_EMAIL,
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        label="Initial password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters, not a common password. Only used with “Set an initial password”.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password_mode") == self.SET_PASSWORD and not data.get("password"):
            self.add_error("password", "Type an initial password, or choose to send a password-set email.")
        return data


class AgentEditForm(AgentForm):
    is_active = forms.BooleanField(
        required=False, label="Active", help_text="Inactive agents cannot sign in or use their API tokens."
    )

    field_order = ["name", "role", "brands", "teams", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        del self.fields["email"]


# Inboxes


class InboxForm(forms.Form):
    brand = IdChoice(queryset=Brand.objects.none(), empty_label=None)
    name = forms.CharField(max_length=120)
    channel_kind = forms.ChoiceField(choices=ChannelKind.choices, label="Channel kind")
    address = forms.CharField(
        max_length=320, required=False, help_text="The support address, phone number or widget id of this inbox."
    )
    default_team = TeamChoice(queryset=Team.objects.none(), required=False, empty_label="No team", label="Default team")

    def __init__(self, *args: Any, actor: Agent, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["brand"].queryset = _brand_choices(actor)  # type: ignore[attr-defined]
        self.fields["default_team"].queryset = _team_choices(actor)  # type: ignore[attr-defined]


class InboxEditForm(forms.Form):
    name = forms.CharField(max_length=120)
    address = forms.CharField(max_length=320, required=False)
    default_team = TeamChoice(queryset=Team.objects.none(), required=False, empty_label="No team", label="Default team")
    is_active = forms.BooleanField(
        required=False,
        label="Active",
        help_text="An inactive inbox is no longer chosen for new tickets; its tickets stay.",
    )

    def __init__(self, *args: Any, actor: Agent, brand: Brand, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["default_team"].queryset = _team_choices(actor).filter(brand=brand)  # type: ignore[attr-defined]


# Tags


class TagForm(forms.Form):
    name = forms.CharField(max_length=60, help_text="Lower case; spaces become hyphens.")
    color = forms.CharField(initial="#64748b", validators=[COLOR], widget=ColorInput, label="Colour")


# Custom fields


def _options(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class CustomFieldForm(forms.Form):
    key = forms.RegexField(
        regex=r"^[A-Za-z0-9_ -]{1,60}$",
        max_length=60,
        help_text="Used by the API and automations, e.g. order_number. Cannot be changed later.",
        error_messages={"invalid": "A key is 1 to 60 letters, digits or underscores."},
    )
    label = forms.CharField(max_length=120)
    field_type = forms.ChoiceField(choices=FieldType.choices, label="Type", help_text="Cannot be changed later.")
    options = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="Dropdown only: one option per line."
    )
    brand = IdChoice(
        queryset=Brand.objects.none(), required=False, empty_label="All brands", help_text="Where the field applies."
    )
    required_to_solve = forms.BooleanField(required=False, label="Required to solve")
    position = forms.IntegerField(min_value=0, max_value=10_000, initial=0, help_text="Lower numbers come first.")

    def __init__(self, *args: Any, actor: Agent, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["brand"].queryset = _brand_choices(actor)  # type: ignore[attr-defined]

    def clean_options(self) -> list[str]:
        return _options(self.cleaned_data.get("options", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("field_type") == FieldType.DROPDOWN and not data.get("options"):
            self.add_error("options", "A dropdown field needs at least one option (one per line).")
        return data


class CustomFieldEditForm(forms.Form):
    label = forms.CharField(max_length=120)
    options = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="One option per line."
    )
    required_to_solve = forms.BooleanField(required=False, label="Required to solve")
    position = forms.IntegerField(min_value=0, max_value=10_000, help_text="Lower numbers come first.")
    is_active = forms.BooleanField(required=False, label="Active", help_text="Inactive fields are hidden on tickets.")

    def __init__(self, *args: Any, field_type: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.field_type = field_type
        if field_type != FieldType.DROPDOWN:
            del self.fields["options"]

    def clean_options(self) -> list[str]:
        options = _options(self.cleaned_data.get("options", ""))
        if not options:
            raise forms.ValidationError("A dropdown field needs at least one option (one per line).")
        return options


# Profile and tokens


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class ProfileForm(forms.Form):
    name = forms.CharField(max_length=120)
    signature = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Added below your replies.",
    )
    time_zone = forms.ChoiceField(choices=time_zone_choices, label="Time zone")


class TokenForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="What the token is for, e.g. “order sync”.")
    scopes = forms.MultipleChoiceField(choices=TokenScope.choices, widget=forms.CheckboxSelectMultiple)
    expires_on = forms.DateField(
        required=False,
        label="Expires on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional. The token works until the end of this day in your time zone.",
    )

    def __init__(self, *args: Any, agent: Agent, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.agent = agent

    def _zone(self) -> dt.tzinfo:
        try:
            return zoneinfo.ZoneInfo(self.agent.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return dt.UTC

    def clean_expires_on(self) -> dt.date | None:
        day = self.cleaned_data.get("expires_on")
        if day is not None and day < timezone.now().astimezone(self._zone()).date():
            raise forms.ValidationError("Pick today or a later day.")
        return day

    def expires_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=self._zone())


class PasswordForm(PasswordChangeForm):
    """Django's password change, placed below the profile: no autofocus, and the rules in one sentence."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        self.fields["new_password1"].help_text = "At least 8 characters, and not a common password."
        self.fields["new_password2"].label = "Repeat the new password"
        self.fields["new_password2"].help_text = ""
