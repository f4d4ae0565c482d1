"""Reading what agents submit: changed ticket properties, uploaded files, the new-ticket form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils.datastructures import MultiValueDict

from frontdesk.accounts import queries as accounts
from frontdesk.accounts.models import Agent
from frontdesk.core.errors import ValidationFailed
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.tickets import errors
from frontdesk.tickets.choices import FieldType, Priority, Status
from frontdesk.tickets.fields import definitions
from frontdesk.tickets.models import Ticket
from frontdesk.tickets.services import Upload, normalise_tag

FILES_MAX = 20
# Channels an agent logs a ticket for by hand; the others open tickets themselves.
LOGGED_CHANNELS = [ChannelKind.EMAIL, ChannelKind.PHONE, ChannelKind.IN_PERSON, ChannelKind.WEB_FORM]


def tag_list(text: str) -> list[str]:
    return [normalise_tag(part) for part in (text or "").split(",") if part.strip()]


def _changed(post: QueryDict, name: str, current: str) -> str | None:
    """The submitted value when it differs from what the form showed (`orig_<name>`), else None.

    Comparing with what the agent saw, not with the database, means a save never undoes a colleague's change
    to another field made in the meantime.
    """
    if name not in post:
        return None
    value = post.getlist(name)[-1]
    return value if value != post.get(f"orig_{name}", current) else None


def property_changes(agent: Agent, ticket: Ticket, post: QueryDict) -> dict[str, Any]:
    """The changes an agent made in the ticket's side panel, ready for update_ticket."""
    changes: dict[str, Any] = {}
    for name in ("status", "priority", "ticket_type"):
        value = _changed(post, name, getattr(ticket, name))
        if value is not None:
            changes[name] = value
    assignee = _changed(post, "assignee", str(ticket.assignee_id or ""))
    if assignee is not None:
        changes["assignee"] = accounts.get_agent(agent, _id(assignee, "assignee")) if assignee else None
    team = _changed(post, "team", str(ticket.team_id or ""))
    if team is not None:
        changes["team"] = accounts.get_team(agent, _id(team, "team")) if team else None
    if "tags" in post:
        shown_tags = set(tag_list(str(post.get("orig_tags", ",".join(t.name for t in ticket.tags.all())))))
        wanted_tags = set(tag_list(str(post["tags"])))
        if wanted_tags != shown_tags:
            changes["add_tags"] = sorted(wanted_tags - shown_tags)
            changes["remove_tags"] = sorted(shown_tags - wanted_tags)
    if "followers_shown" in post:
        shown_ids = {_id(i, "follower") for i in str(post["followers_shown"]).split(",") if i}
        wanted_ids = {_id(i, "follower") for i in post.getlist("followers")}
        if wanted_ids != shown_ids:
            following = {a.pk for a in ticket.followers.all()}
            final = (following | (wanted_ids - shown_ids)) - (shown_ids - wanted_ids)
            changes["followers"] = list(accounts.agents_for(agent).filter(pk__in=final))
    custom: dict[str, Any] = {}
    for key, field in definitions(ticket.brand_id).items():
        current = shown_value(ticket.custom_fields.get(key), checkbox=field.field_type == FieldType.CHECKBOX)
        value = _changed(post, f"cf_{key}", current)
        if value is not None:
            custom[key] = value
    if custom:
        changes["custom_fields"] = custom
    return changes


def shown_value(value: Any, *, checkbox: bool = False) -> str:
    """A custom field value as the form posts it (an unticked checkbox posts "false")."""
    if checkbox:
        return "true" if value is True else "false"
    return "" if value is None else str(value)


def _id(value: str, name: str) -> int:
    if not value.isdigit():
        raise ValidationFailed(f"{value!r} is not a valid {name}.", code=errors.INVALID_FIELD)
    return int(value)


def uploads(files: MultiValueDict) -> list[Upload]:
    """Files attached to a message; each checked against the size limit before it is read."""
    items = files.getlist("files")
    if len(items) > FILES_MAX:
        raise ValidationFailed(f"Attach at most {FILES_MAX} files to one message.", code=errors.ATTACHMENT_TOO_LARGE)
    limit = settings.ATTACHMENT_MAX_BYTES
    result = []
    for item in items:
        if item.size > limit:
            raise ValidationFailed(
                f"\u201c{item.name}\u201d is {filesizeformat(item.size)}; attachments are limited to "
                f"{filesizeformat(limit)}.",
                code=errors.ATTACHMENT_TOO_LARGE,
                details={"limit": limit, "size": item.size},
            )
        result.append(Upload(filename=item.name or "attachment", content=item.read(), content_type=item.content_type))
    return result


class NewTicketForm(forms.Form):
    """An agent logs a ticket for a customer known by their email address."""

    brand = forms.TypedChoiceField(coerce=int)
    email = forms.EmailField(label="Customer email", max_length=320)
    name = forms.CharField(label="Customer name", max_length=200, required=False)
    subject = forms.CharField(max_length=300)
    text = forms.CharField(label="Message", widget=forms.Textarea, max_length=100_000)
    channel = forms.ChoiceField(choices=[(c.value, c.label) for c in LOGGED_CHANNELS], initial=ChannelKind.EMAIL)
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)
    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in (Status.NEW, Status.OPEN, Status.PENDING, Status.SOLVED)],
        initial=Status.OPEN,
    )
    assign_to_me = forms.BooleanField(required=False, initial=True, label="Assign to me")
    tags = forms.CharField(required=False, max_length=500)

    def __init__(self, *args: Any, brands: list[Any], **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["brand"].choices = [(b.pk, b.name) for b in brands]  # type: ignore[attr-defined]
        if len(brands) == 1:
            self.fields["brand"].initial = brands[0].pk

    def clean_tags(self) -> list[str]:
        try:
            return tag_list(self.cleaned_data.get("tags", ""))
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from None

