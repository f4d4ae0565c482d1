"""/api/v1/: the API's operations, its docs assets, and a JSON 404 for every other path below it."""

from django.urls import include, path, re_path

from frontdesk.api.docs import asset
from frontdesk.api.http import guard, route_not_found, wrap_patterns
from frontdesk.api.main import api

# Not named app_name/namespace: Django would read those as this module's own namespace.
_patterns, _app, _namespace = api.urls

urlpatterns = [
    path("docs/assets/<str:name>", guard(asset), name="api-v1-docs-asset"),
    path("", include((wrap_patterns(_patterns), _app), namespace=_namespace)),
    re_path(r"^.*$", guard(route_not_found)),
]
