from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("frontdesk.api.urls")),
    path("", include("frontdesk.workspace.urls")),
]
