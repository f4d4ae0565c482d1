from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("frontdesk.api.urls")),
    path("inbound/email/", include("frontdesk.inboxes.adapters.email.urls")),  # provider webhooks
    path("tracking/email/", include("frontdesk.inboxes.adapters.email.tracking_urls")),  # delivery events
    path("settings/", include("frontdesk.workspace.settings_pages.urls")),
    path("", include("frontdesk.workspace.urls")),
]
