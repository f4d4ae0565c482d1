"""The REST API v1: every app's routers composed under /api/v1/, with shared errors, auth and OpenAPI."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from frontdesk.accounts.api import router as accounts_router
from frontdesk.api import errors
from frontdesk.api.docs import OfflineSwagger
from frontdesk.api.http import StrictJsonParser
from frontdesk.api.schemas import ErrorOut
from frontdesk.contacts.api import router as contacts_router
from frontdesk.inboxes.api import router as inboxes_router
from frontdesk.tickets.api import routers as ticket_routers

if TYPE_CHECKING:
    from ninja.operation import Operation

DESCRIPTION = """\
The frontdesk REST API: tickets, messages, contacts, organisations, agents, teams, tags, inboxes and custom
fields.

Authenticate with `Authorization: Bearer fd_…` (create a token with `frontdesk apitoken create`). A token acts as
its agent, with that agent's role and brand/team visibility, limited to the token's scopes. Lists are cursor
pages: `{"data": [...], "next_cursor": "..."}`. Every error is `{"error": {"code", "message", "details"}}`.
See docs/api.md for codes, filters and rate limits.
"""

ERROR_RESPONSES = {
    "400": "Bad request: `invalid_json`, `invalid_cursor`, `invalid_filter`, ...",
    "401": "`authentication_required` or `invalid_token`.",
    "403": "`insufficient_scope` (the token) or `permission_denied` (the agent's role).",
    "404": "The record does not exist or is not visible to you (`ticket_not_found`, ...).",
    "409": "A conflict with existing data (`email_taken`, `identity_taken`, `tag_exists`, ...).",
    "413": "`payload_too_large`: the body exceeds the request size limit.",
    "422": "`validation_failed` (with the field paths in `details.errors`) or a domain refusal.",
    "429": "`rate_limited`: wait `Retry-After` seconds.",
    "500": "`internal_error`: logged on the server.",
}
RATE_HEADERS = {
    "X-RateLimit-Limit": "Requests allowed per minute for this token.",
    "X-RateLimit-Remaining": "Requests left in the current minute.",
    "X-RateLimit-Reset": "When the current minute ends (Unix time, seconds).",
}


def _header(description: str) -> dict[str, Any]:
    return {"description": description, "schema": {"type": "integer"}, "required": False}


class FrontdeskAPI(NinjaAPI):
    """NinjaAPI with readable operation ids and the shared error answers documented on every operation."""

    _schema_cache: dict[str, OpenAPISchema]

    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        cache = self.__dict__.setdefault("_schema_cache", {})
        key = f"{path_prefix}|{sorted((path_params or {}).items())}"
        if key not in cache:
            cache[key] = self._document(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))
        return cache[key]

    def _document(self, schema: OpenAPISchema) -> OpenAPISchema:
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {}).update(
            ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}").pop("$defs", {})
        )
        components["schemas"]["ErrorOut"] = {
            k: v
            for k, v in ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}").items()
            if k != "$defs"
        }
        security = components.get("securitySchemes", {})
        if "TokenAuth" in security:
            security["TokenAuth"]["description"] = "An API token: `Authorization: Bearer fd_…`."
        if "SessionAuth" in security:
            security["SessionAuth"]["description"] = (
                "The signed-in agent's session cookie (same-origin); unsafe methods need `X-CSRFToken`."
            )
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                # ninja keys responses by int, openapi_extra by str: merge them, or the JSON repeats keys
                responses: dict[str, Any] = {}
                for status, response in operation.get("responses", {}).items():
                    responses.setdefault(str(status), {}).update(response)
                operation["responses"] = responses
                for status, response in list(responses.items()):
                    if str(status).startswith("2"):
                        response.setdefault("headers", {}).update(
                            {name: _header(text) for name, text in RATE_HEADERS.items()}
                        )
                for status, description in ERROR_RESPONSES.items():
                    entry: dict[str, Any] = {"description": description, "content": error}
                    if status == "429":
                        entry["headers"] = {
                            "Retry-After": {**_header("Seconds to wait before retrying."), "required": True},
                            **{name: _header(text) for name, text in RATE_HEADERS.items()},
                        }
                    responses.setdefault(status, entry)
                scope = operation.get("x-scope") or ""
                note = f"Scope: `{scope}`" if scope else "Scope: any valid token"
                if scope.endswith(":read"):
                    note += f" (or `{scope.replace(':read', ':write')}`)"
                operation["description"] = (operation.get("description", "") + "\n\n" + note + ".").strip()
        return schema


api = FrontdeskAPI(
    title="Frontdesk API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    parser=StrictJsonParser(),
    docs=OfflineSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)

for router in [*ticket_routers, contacts_router, accounts_router, inboxes_router]:
    api.add_router("", router)
