"""Calling the REST API in tests as a client would: a bearer token and JSON in, JSON out."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.test import Client

from frontdesk.accounts.choices import TokenScope
from frontdesk.accounts.models import Agent
from frontdesk.accounts.services import issue_api_token

ALL_SCOPES = tuple(TokenScope.values)


def make_token(agent: Agent, scopes: Iterable[str] = ALL_SCOPES, name: str = "test") -> str:
    """A new API token for `agent` (its text, as a client would hold it)."""
    _, full = issue_api_token(agent, agent, name=name, scopes=list(scopes))
    return full


class ApiClient:
    """A Django test client that sends `Authorization: Bearer <token>` and JSON bodies to /api/v1/."""

    def __init__(self, token: str | None = None, *, base: str = "/api/v1"):
        self.client = Client()
        self.token = token
        self.base = base

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**headers, **(extra or {})}

    def url(self, path: str) -> str:
        return path if path.startswith("/api/") else f"{self.base}{path}"

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.get(self.url(path), params or {}, headers=self._headers(headers))

    def _send(self, method: str, path: str, body: Any, raw: bytes | str | None, headers: dict[str, str]) -> Any:
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        call = getattr(self.client, method)
        return call(self.url(path), data=data, content_type="application/json", headers=self._headers(headers))

    def post(self, path: str, body: Any = None, *, raw: bytes | str | None = None, **headers: str) -> Any:
        return self._send("post", path, body, raw, headers)

    def patch(self, path: str, body: Any = None, *, raw: bytes | str | None = None, **headers: str) -> Any:
        return self._send("patch", path, body, raw, headers)

    def delete(self, path: str, **headers: str) -> Any:
        return self.client.delete(self.url(path), headers=self._headers(headers))


def as_agent(agent: Agent, scopes: Iterable[str] = ALL_SCOPES) -> ApiClient:
    return ApiClient(make_token(agent, scopes))


def error_code(response: Any) -> str:
    """The stable error code of an API error answer (fails the test when the body is not the error shape)."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    return str(body["error"]["code"])
