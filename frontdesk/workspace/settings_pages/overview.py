"""The settings start page: the sections the signed-in agent may use."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from frontdesk.accounts import permissions
from frontdesk.workspace.settings_pages.pages import agent_page, render

ADMIN_SECTIONS = [
    ("settings:brands", "Brands", "The businesses served from this install: name, address, colour."),
    ("settings:teams", "Teams", "Groups of agents per brand that tickets are routed to."),
    ("settings:agents", "Agents", "Who works here, their role, brands and teams; invite and deactivate."),
    ("settings:inboxes", "Inboxes", "Where customer messages arrive: addresses, chat widgets, phone lines."),
    ("settings:tags", "Tags", "Labels on tickets, with how many tickets carry each."),
    ("settings:fields", "Custom fields", "Extra ticket fields such as order number or product."),
]
PERSONAL_SECTIONS = [
    ("settings:profile", "My profile", "Your name, signature, time zone and password."),
    ("settings:tokens", "My API tokens", "Tokens that let scripts use the REST API as you."),
]


@agent_page()
def overview(request: HttpRequest) -> HttpResponse:
    admin = permissions.is_admin(request.user)  # type: ignore[arg-type]
    context = {"admin_sections": ADMIN_SECTIONS if admin else [], "personal_sections": PERSONAL_SECTIONS}
    return render(request, "workspace/settings/index.html", context, page="overview")
