"""URLs of the peer site: django-helpdesk at the root, as its standalone site mounts it."""

from django.urls import include, path

urlpatterns = [
    path("", include("helpdesk.urls", namespace="helpdesk")),
]
