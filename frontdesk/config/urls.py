from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("frontdesk.api.urls")),
    path("settings/", include("frontdesk.workspace.settings_pages.urls")),
    path("", include("frontdesk.workspace.urls")),
]
