from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("frontdesk.api.urls")),
    path("inbound/email/", include("frontdesk.inboxes.adapters.email.urls")),  # provider webhooks
    path("settings/", include("frontdesk.workspace.settings_pages.urls")),
    path("", include("frontdesk.workspace.urls")),
]
