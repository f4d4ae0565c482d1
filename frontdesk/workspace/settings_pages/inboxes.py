"""Settings: inboxes (the configured places where customer messages arrive and replies leave)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

from frontdesk.accounts import queries as account_queries
from frontdesk.inboxes import queries, services
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.workspace.originals import original_response
from frontdesk.workspace.settings_pages.email_inbox import (
    EmailInboxForm,
    connection_info,
    env_status,
    initial_for,
    settings_from,
)
from frontdesk.workspace.settings_pages.forms import InboxEditForm, InboxForm
from frontdesk.workspace.settings_pages.pages import actor, admin_page, attempt, id_param, posted, render

ERROR_FIELDS = {"invalid_channel_kind": "channel_kind"}
# Channel kinds whose inboxes have settings of their own, edited on the inbox's page below the common fields.
CHANNEL_FORMS: dict[str, type[EmailInboxForm]] = {ChannelKind.EMAIL: EmailInboxForm}


@admin_page()
def inbox_list(request: HttpRequest) -> HttpResponse:
    me = actor(request)
    brand_id = id_param(request, "brand")
    inboxes = queries.inboxes_for(me, brand_id=brand_id)
    context = {"inboxes": inboxes, "brands": account_queries.brands_for(me), "brand_id": str(brand_id or "")}
    return render(request, "workspace/settings/inboxes/list.html", context, page="inboxes")


@admin_page("GET", "POST")
def inbox_create(request: HttpRequest) -> HttpResponse:
    me = actor(request)
    form = InboxForm(posted(request), actor=me)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        brand = data.pop("brand")
        ok, inbox = attempt(form, services.create_inbox, me, brand, **data, fields=ERROR_FIELDS)
        if ok and inbox is not None:
            messages.success(request, f"Inbox {inbox} created for {brand}.")
            if inbox.channel_kind in CHANNEL_FORMS:  # its channel has more to set up: the page that asks for it
                return redirect("settings:inbox_edit", pk=inbox.pk)
            return redirect("settings:inboxes")
    return render(request, "workspace/settings/inboxes/form.html", {"form": form}, page="inboxes")


@admin_page("GET", "POST")
def inbox_edit(request: HttpRequest, pk: int) -> HttpResponse:
    me = actor(request)
    inbox = queries.get_inbox(me, pk)
    initial = {
        "name": inbox.name,
        "address": inbox.address,
        "default_team": inbox.default_team_id,
        "is_active": inbox.is_active,
    }
    form = InboxEditForm(posted(request), actor=me, brand=inbox.brand, initial=initial)
    channel_form_class = CHANNEL_FORMS.get(inbox.channel_kind)
    channel_form = channel_form_class(posted(request), initial=initial_for(inbox)) if channel_form_class else None
    if channel_form is not None:
        del form.fields["address"]  # the channel's own form asks for it, with its checks
    if request.method == "POST" and form.is_valid() and (channel_form is None or channel_form.is_valid()):
        changes = dict(form.cleaned_data)
        if channel_form is not None:
            changes["address"] = channel_form.cleaned_data["address"]
            changes["settings"] = settings_from(channel_form.cleaned_data, inbox.settings or {})
        ok, _ = attempt(form, services.update_inbox, me, inbox, **changes, fields=ERROR_FIELDS)
        if ok:
            messages.success(request, f"Inbox {inbox.name} saved.")
            if channel_form is not None:  # back to the page: it shows what to set up elsewhere (webhook URLs)
                return redirect("settings:inbox_edit", pk=inbox.pk)
            return redirect("settings:inboxes")
        inbox = queries.get_inbox(me, pk)  # drop values the service set before refusing
    context: dict[str, Any] = {"form": form, "inbox": inbox, "channel_form": channel_form}
    if channel_form is not None:
        context["connection"] = connection_info(inbox, settings.SITE_URL)
        context["env_set"] = {name for name, is_set in env_status(_named_variables(channel_form)).items() if is_set}
        context["unread"] = queries.unread_intakes(me, inbox)
    return render(request, "workspace/settings/inboxes/form.html", context, page="inboxes")


@admin_page("POST")
def intake_retry(request: HttpRequest, pk: int, intake_id: int) -> HttpResponse:
    """Read a received payload that could not be made into a message again."""
    me = actor(request)
    intake = queries.get_intake(me, queries.get_inbox(me, pk), intake_id)
    read = services.read_again(me, intake)
    if read.message is not None:
        messages.success(request, f"Read again: it is now a message on ticket #{read.message.ticket.number}.")
    else:
        messages.error(request, f"Read again, still not a message: {read.error or read.get_status_display()}")
    return redirect("settings:inbox_edit", pk=pk)


@admin_page()
def intake_original(request: HttpRequest, pk: int, intake_id: int) -> HttpResponseBase:
    """A received payload as it came, as a plain-text download (never rendered)."""
    me = actor(request)
    intake = queries.get_intake(me, queries.get_inbox(me, pk), intake_id)
    return original_response(intake, f"received-{intake.pk}.eml")



def _named_variables(form: EmailInboxForm) -> list[str]:
    values = form.data if form.is_bound else form.initial
    return [str(values.get(name) or "") for name in form.fields if name.endswith("_env")]
