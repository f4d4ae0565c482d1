"""The inbox: views with counts, filters, sorting, keyset paging and bulk changes to the selected tickets."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from frontdesk.accounts import permissions
from frontdesk.accounts import queries as accounts
from frontdesk.accounts.models import Agent
from frontdesk.core.errors import DomainError, NotFound, ValidationFailed
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.tickets import queries, saved_views
from frontdesk.tickets.choices import Priority, Status
from frontdesk.tickets.filters import TicketFilter
from frontdesk.tickets.services import bulk_update
from frontdesk.workspace import listing
from frontdesk.workspace.paging import Page, paginate
from frontdesk.workspace.rows import load_rows, ticket_rows
from frontdesk.workspace.views.common import actor, back, flash_error, is_htmx, page, refuse

CURSOR_KEYS = ("after", "before")
BULK_MAX = 500
LIST_TARGET = "list-region"


def _assignable(agents: list[Agent]) -> list[Agent]:
    return [a for a in agents if permissions.can_write(a)]


def render_inbox(request: HttpRequest, params: QueryDict, *, partial: bool = False) -> HttpResponse:
    agent = actor(request)
    error = ""
    try:
        f, requested = listing.current_filter(agent, params)
    except NotFound as exc:
        f, requested, error = TicketFilter(), "", exc.message
    except DomainError as exc:
        f, requested, error = TicketFilter(), "", exc.message
    result = Page([], None, None)
    if not error:
        try:
            result = paginate(agent, f, load_rows, after=params.get("after", ""), before=params.get("before", ""))
        except DomainError as exc:
            error = exc.message
    links = listing.views_for(agent)
    active = listing.active_key(links, f, requested)
    active_link = next((link for link in links if link.key == active), None)
    title = "Search results" if f.q else (active_link.name if active_link else "Filtered tickets")
    agents = list(accounts.agents_for(agent))
    context = {
        "section": "inbox",
        "page": result,
        "rows_html": ticket_rows(result.rows),
        "filter": f,
        "fv": f.to_query(),
        "status_summary": listing.status_summary(f),
        "filter_error": error,
        "builtin_views": [link for link in links if link.is_builtin],
        "saved_views": [link for link in links if not link.is_builtin],
        "active_view": active,
        "active_link": active_link,
        "title": title,
        "params": {k: params.getlist(k) for k in params if k not in CURSOR_KEYS},
        "return_to": urlencode([(k, v) for k, vs in params.lists() if k not in CURSOR_KEYS for v in vs]),
        "saved_query": urlencode(f.to_query()),
        "brands": list(accounts.brands_for(agent)),
        "teams": list(accounts.teams_for(agent)),
        "agents": agents,
        "assignable": _assignable(agents),
        "statuses": Status.choices,
        "priorities": Priority.choices,
        "channels": ChannelKind.choices,
        "sorts": listing.SORT_LABELS,
        "can_edit": permissions.can_write(agent),
    }
    status = 400 if error else 200
    if partial or (is_htmx(request) and request.headers.get("HX-Target") == LIST_TARGET):
        return render(request, "workspace/inbox/_refresh.html", context, status=status)
    return render(request, "workspace/inbox/page.html", context, status=status)


@page("GET")
def inbox(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("q", "").strip().lstrip("#")
    if number.isdigit() and len(number) < 19:
        # Searching for "#1234" (or "1234") opens that ticket when the agent can see it.
        found = queries.tickets_for(actor(request)).filter(number=int(number)).exists()
        if found:
            url = reverse("workspace:ticket", args=[int(number)])
            if is_htmx(request):
                response = HttpResponse(status=200)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
    return render_inbox(request, request.GET)


@page("POST")
def save_view(request: HttpRequest) -> HttpResponse:
    agent = actor(request)
    filters = dict(parse_qsl(request.POST.get("filters", ""), keep_blank_values=False))
    try:
        view = saved_views.create_saved_view(
            agent, name=request.POST.get("name", ""), filters=filters, shared=request.POST.get("shared") == "1"
        )
    except DomainError as exc:
        return refuse(request, exc, reverse("workspace:inbox") + "?" + urlencode({"f": "1", **filters}))
    messages.success(request, f"Saved the view \u201c{view.name}\u201d.")
    listing.forget_counts(agent)
    return redirect(reverse("workspace:inbox") + f"?view={view.pk}")


@page("POST")
def delete_view(request: HttpRequest, view_id: int) -> HttpResponse:
    agent = actor(request)
    view = queries.get_saved_view(agent, view_id)
    try:
        saved_views.delete_saved_view(agent, view)
    except DomainError as exc:
        return refuse(request, exc, reverse("workspace:inbox"))
    messages.success(request, f"Deleted the view \u201c{view.name}\u201d.")
    return redirect(reverse("workspace:inbox"))


def _bulk_changes(agent: Agent, post: QueryDict) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    assignee = post.get("assignee", "")
    if assignee == "me":
        changes["assignee"] = agent
    elif assignee == "none":
        changes["assignee"] = None
    elif assignee:
        if not assignee.isdigit():
            raise ValidationFailed("Pick an agent to assign the tickets to.")
        changes["assignee"] = accounts.get_agent(agent, int(assignee))
    if post.get("status"):
        changes["status"] = post["status"]
    tag = post.get("tag", "").strip()
    if tag:
        changes["add_tags"] = [tag]
    if not changes:
        raise ValidationFailed("Choose what to change: an assignee, a status or a tag.")
    return changes


def _selected(agent: Agent, post: QueryDict) -> list[Any]:
    ids = post.getlist("ids")
    if not ids:
        raise ValidationFailed("Select at least one ticket first.")
    if len(ids) > BULK_MAX or not all(i.isdigit() for i in ids):
        raise ValidationFailed(f"Select between 1 and {BULK_MAX} tickets.")
    wanted = {int(i) for i in ids}
    tickets = list(queries.tickets_for(agent).filter(pk__in=wanted).select_related("assignee", "team"))
    if len(tickets) != len(wanted):
        raise NotFound("Some of the selected tickets are no longer visible to you; reload the list.")
    return tickets


@page("POST")
def bulk(request: HttpRequest) -> HttpResponse:
    agent = actor(request)
    return_to = request.POST.get("return_to", "")
    fallback = reverse("workspace:inbox") + ("?" + return_to if return_to else "")
    try:
        tickets = _selected(agent, request.POST)
        changed = bulk_update(agent, tickets, **_bulk_changes(agent, request.POST))
    except DomainError as exc:
        if is_htmx(request):
            return flash_error(request, exc.message, status=exc.status)
        messages.error(request, exc.message)
        return redirect(back(request, fallback))
    listing.forget_counts(agent)
    noun = "ticket" if changed == 1 else "tickets"
    messages.success(request, f"Updated {changed} {noun}." if changed else "Nothing to change.")
    if is_htmx(request):
        return render_inbox(request, QueryDict(return_to), partial=True)
    return redirect(fallback)
