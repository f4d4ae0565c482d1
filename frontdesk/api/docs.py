"""Interactive API docs served entirely from this install (no CDN): swagger-ui's files ship with django-ninja."""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from ninja.openapi.docs import DocsBase

from frontdesk.api.errors import RouteNotFound

if TYPE_CHECKING:
    from ninja import NinjaAPI

ASSET_DIR = Path(ninja.__file__).parent / "static" / "ninja"
ASSETS = {"swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-init.js", "favicon.png", "favicon.svg"}


class OfflineSwagger(DocsBase):
    """Swagger UI whose script, styles and icons come from /api/v1/docs/assets/ and that calls no outside host."""

    settings = {
        "layout": "BaseLayout",
        "deepLinking": True,
        "validatorUrl": None,  # the default badge would fetch from validator.swagger.io
        "persistAuthorization": False,
        "displayRequestDuration": True,
    }

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {
            "title": api.title,
            "swagger_settings": json.dumps(settings),
            "asset_base": reverse("api-v1-docs-asset", args=["x"])[:-1],
        }
        return render(request, "api/docs.html", context)


def asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in ASSETS:
        raise RouteNotFound(f"There is no docs asset {name!r}.")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse((ASSET_DIR / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response
