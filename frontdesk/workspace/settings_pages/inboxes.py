"""Settings: inboxes (the configured places where customer messages arrive and replies leave)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from frontdesk.accounts import queries as account_queries
from frontdesk.inboxes import queries, services
from frontdesk.workspace.settings_pages.forms import InboxEditForm, InboxForm
from frontdesk.workspace.settings_pages.pages import actor, admin_page, attempt, id_param, posted, render

ERROR_FIELDS = {"invalid_channel_kind": "channel_kind"}


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
        if ok:
            messages.success(request, f"Inbox {inbox} created for {brand}.")
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
    if request.method == "POST" and form.is_valid():
        ok, _ = attempt(form, services.update_inbox, me, inbox, **form.cleaned_data, fields=ERROR_FIELDS)
        if ok:
            messages.success(request, f"Inbox {inbox.name} saved.")
            return redirect("settings:inboxes")
        inbox = queries.get_inbox(me, pk)  # drop values the service set before refusing
    return render(request, "workspace/settings/inboxes/form.html", {"form": form, "inbox": inbox}, page="inboxes")
