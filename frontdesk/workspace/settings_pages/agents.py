"""Settings: agents (the support staff), their roles, brands and teams."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from frontdesk.accounts import queries, services
from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import Agent, Team
from frontdesk.core.errors import ValidationFailed
from frontdesk.workspace.settings_pages import invitations
from frontdesk.workspace.settings_pages.forms import AgentCreateForm, AgentEditForm
from frontdesk.workspace.settings_pages.pages import (
    actor,
    admin_page,
    attempt,
    paginate,
    posted,
    query_without_page,
    render,
    text_param,
)

ERROR_FIELDS = {
    "email_taken": "email",
    "invalid_email": "email",
    "weak_password": "password",
    "invalid_role": "role",
}
STATUSES = {"active": True, "inactive": False}


@admin_page()
def agent_list(request: HttpRequest) -> HttpResponse:
    agents = queries.agents_for(actor(request), include_inactive=True).prefetch_related(
        "brands", Prefetch("teams", queryset=Team.objects.select_related("brand").order_by("name"))
    )
    q = text_param(request, "q")
    role = request.GET.get("role", "")
    status = request.GET.get("status", "")
    if q:
        agents = agents.filter(Q(name__icontains=q) | Q(email__icontains=q))
    if role in Role.values:
        agents = agents.filter(role=role)
    if status in STATUSES:
        agents = agents.filter(is_active=STATUSES[status])
    context = {
        "page_obj": paginate(request, agents),
        "query": query_without_page(request),
        "q": q,
        "role": role,
        "status": status,
        "roles": Role.choices,
    }
    return render(request, "workspace/settings/agents/list.html", context, page="agents")


def _invite(request: HttpRequest, agent: Agent) -> None:
    if invitations.send_password_set_email(agent, sent_by=actor(request)):
        messages.success(request, f"A password-set email went to {agent.email}.")
    else:
        messages.error(request, f"The password-set email to {agent.email} could not be sent; try again later.")


@admin_page("GET", "POST")
def agent_create(request: HttpRequest) -> HttpResponse:
    me = actor(request)
    form = AgentCreateForm(posted(request), actor=me)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_email = data["password_mode"] == AgentCreateForm.SEND_EMAIL
        ok, agent = attempt(
            form,
            services.create_agent,
            me,
            email=data["email"],
            name=data["name"],
            role=data["role"],
            password=None if by_email else data["password"],
            brands=data["brands"],
            teams=data["teams"],
            fields=ERROR_FIELDS,
        )
        if ok and agent is not None:
            messages.success(request, f"{agent.name} can now work in frontdesk.")
            if by_email:
                _invite(request, agent)
            return redirect("settings:agents")
    return render(request, "workspace/settings/agents/form.html", {"form": form}, page="agents")


@admin_page("GET", "POST")
def agent_edit(request: HttpRequest, pk: int) -> HttpResponse:
    me = actor(request)
    agent = queries.get_agent(me, pk)
    initial = {
        "name": agent.name,
        "role": agent.role,
        "is_active": agent.is_active,
        "brands": list(agent.brands.values_list("pk", flat=True)),
        "teams": list(agent.teams.values_list("pk", flat=True)),
    }
    form = AgentEditForm(posted(request), actor=me, initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, _ = attempt(form, services.update_agent, me, agent, **form.cleaned_data, fields=ERROR_FIELDS)
        if ok:
            messages.success(request, f"{agent.name} saved.")
            return redirect("settings:agents")
        agent.refresh_from_db()  # the service may have set fields on the row before refusing
    context = {"form": form, "agent": agent, "is_self": agent.pk == me.pk}
    return render(request, "workspace/settings/agents/form.html", context, page="agents")


@admin_page("POST")
def agent_set_active(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    me = actor(request)
    agent = queries.get_agent(me, pk)
    try:
        services.update_agent(me, agent, is_active=active)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{agent.name} is {'active again' if active else 'deactivated'}.")
    return redirect("settings:agent_edit", pk=agent.pk)


@admin_page("POST")
def agent_send_password_email(request: HttpRequest, pk: int) -> HttpResponse:
    agent = queries.get_agent(actor(request), pk)
    if not agent.is_active:
        messages.error(request, f"{agent.name} is deactivated; activate them first.")
    else:
        _invite(request, agent)
    return redirect("settings:agent_edit", pk=agent.pk)
