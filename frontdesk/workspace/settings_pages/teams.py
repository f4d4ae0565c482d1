"""Settings: teams per brand and their members."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from frontdesk.accounts import queries, services
from frontdesk.accounts.models import Agent
from frontdesk.workspace.settings_pages.forms import TeamForm
from frontdesk.workspace.settings_pages.pages import actor, admin_page, attempt, id_param, posted, render

ERROR_FIELDS = {"team_exists": "name"}


@admin_page()
def team_list(request: HttpRequest) -> HttpResponse:
    me = actor(request)
    teams = queries.teams_for(me).prefetch_related(
        Prefetch("members", queryset=Agent.objects.only("id", "name", "email").order_by("name"))
    )
    brand_id = id_param(request, "brand")
    if brand_id is not None:
        teams = teams.filter(brand_id=brand_id)
    context = {"teams": teams, "brands": queries.brands_for(me), "brand_id": str(brand_id or "")}
    return render(request, "workspace/settings/teams/list.html", context, page="teams")


@admin_page("GET", "POST")
def team_create(request: HttpRequest) -> HttpResponse:
    me = actor(request)
    initial = {"brand": id_param(request, "brand")}
    form = TeamForm(posted(request), actor=me, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, team = attempt(
            form,
            services.create_team,
            me,
            data["brand"],
            name=data["name"],
            members=data["members"],
            fields=ERROR_FIELDS,
        )
        if ok:
            messages.success(request, f"Team {team} created in {data['brand']}.")
            return redirect("settings:teams")
    return render(request, "workspace/settings/teams/form.html", {"form": form}, page="teams")


@admin_page("GET", "POST")
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    me = actor(request)
    team = queries.get_team(me, pk)
    initial = {"name": team.name, "members": list(team.members.values_list("pk", flat=True))}
    form = TeamForm(posted(request), actor=me, brand=team.brand, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, _ = attempt(
            form, services.update_team, me, team, name=data["name"], members=data["members"], fields=ERROR_FIELDS
        )
        if ok:
            messages.success(request, f"Team {team} saved.")
            return redirect("settings:teams")
    return render(request, "workspace/settings/teams/form.html", {"form": form, "team": team}, page="teams")


@admin_page("GET", "POST")
def team_delete(request: HttpRequest, pk: int) -> HttpResponse:
    me = actor(request)
    team = queries.get_team(me, pk)
    if request.method == "POST":
        services.delete_team(me, team)
        messages.success(request, f"Team {team.name} deleted.")
        return redirect("settings:teams")
    context = {"team": team, "ticket_count": team.tickets.count(), "member_count": team.members.count()}
    return render(request, "workspace/settings/teams/delete.html", context, page="teams")
