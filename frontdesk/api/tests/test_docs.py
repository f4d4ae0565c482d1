"""The OpenAPI document and the reference page that renders it, served without any outside host."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _no_repeated_keys(pairs):  # type: ignore[no-untyped-def]
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), keys
    return dict(pairs)


def test_the_openapi_document_describes_every_resource_and_the_error_shape():
    # when
    schema = json.loads(Client().get("/api/v1/openapi.json").content, object_pairs_hook=_no_repeated_keys)
    # then
    paths = schema["paths"]
    for path in [
        "/tickets",
        "/tickets/{ticket_id}/messages",
        "/tickets/{ticket_id}/timeline",
        "/contacts",
        "/organisations",
        "/agents",
        "/teams",
        "/tags",
        "/inboxes",
        "/custom-fields",
        "/brands",
        "/me",
    ]:
        assert f"/api/v1{path}" in paths, path
    create = paths["/api/v1/tickets"]["post"]
    assert create["operationId"] == "create_ticket"
    assert {"201", "401", "403", "422", "429"} <= set(create["responses"])
    assert create["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    assert "Retry-After" in create["responses"]["429"]["headers"]
    assert "Scope: `tickets:write`" in create["description"]
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token: `Authorization: Bearer fd_…`.",
    }


def test_the_reference_page_loads_its_assets_from_this_install():
    # when
    page = Client().get("/api/v1/docs")
    # then
    assert page.status_code == 200
    html = page.content.decode()
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    for asset in re.findall(r"(?:src|href)=\"([^\"]+)\"", html):
        response = Client().get(asset)
        assert response.status_code == 200, asset
    assert '"validatorUrl": null' in html


def test_an_unknown_docs_asset_is_404():
    # when
    response = Client().get("/api/v1/docs/assets/..%2Fsettings.py")
    # then
    assert response.status_code == 404
