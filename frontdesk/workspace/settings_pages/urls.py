"""URLs of the settings pages, mounted at /settings/ (names in the "settings" namespace)."""

from django.urls import path

from frontdesk.workspace.settings_pages import (
    agents,
    brands,
    fields,
    inboxes,
    overview,
    profile,
    tags,
    teams,
    tokens,
)

app_name = "settings"

urlpatterns = [
    path("", overview.overview, name="index"),
    path("brands/", brands.brand_list, name="brands"),
    path("brands/new/", brands.brand_create, name="brand_create"),
    path("brands/<int:pk>/", brands.brand_edit, name="brand_edit"),
    path("teams/", teams.team_list, name="teams"),
    path("teams/new/", teams.team_create, name="team_create"),
    path("teams/<int:pk>/", teams.team_edit, name="team_edit"),
    path("teams/<int:pk>/delete/", teams.team_delete, name="team_delete"),
    path("agents/", agents.agent_list, name="agents"),
    path("agents/new/", agents.agent_create, name="agent_create"),
    path("agents/<int:pk>/", agents.agent_edit, name="agent_edit"),
    path("agents/<int:pk>/deactivate/", agents.agent_set_active, {"active": False}, name="agent_deactivate"),
    path("agents/<int:pk>/activate/", agents.agent_set_active, {"active": True}, name="agent_activate"),
    path("agents/<int:pk>/password-email/", agents.agent_send_password_email, name="agent_password_email"),
    path("inboxes/", inboxes.inbox_list, name="inboxes"),
    path("inboxes/new/", inboxes.inbox_create, name="inbox_create"),
    path("inboxes/<int:pk>/", inboxes.inbox_edit, name="inbox_edit"),
    path("inboxes/<int:pk>/received/<int:intake_id>/retry/", inboxes.intake_retry, name="intake_retry"),
    path("inboxes/<int:pk>/received/<int:intake_id>/original/", inboxes.intake_original, name="intake_original"),
    path("tags/", tags.tag_list, name="tags"),
    path("tags/<int:pk>/", tags.tag_edit, name="tag_edit"),
    path("tags/<int:pk>/delete/", tags.tag_delete, name="tag_delete"),
    path("fields/", fields.field_list, name="fields"),
    path("fields/new/", fields.field_create, name="field_create"),
    path("fields/<int:pk>/", fields.field_edit, name="field_edit"),
    path("fields/<int:pk>/deactivate/", fields.field_set_active, {"active": False}, name="field_deactivate"),
    path("fields/<int:pk>/activate/", fields.field_set_active, {"active": True}, name="field_activate"),
    path("profile/", profile.profile, name="profile"),
    path("profile/password/", profile.change_password, name="password_change"),
    path("tokens/", tokens.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
]
