"""A ninja Router whose operations each name the token scope they need (checked before input is parsed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ninja import Router

from frontdesk.api.auth import auth_for

ANY_SCOPE = None  # any authenticated caller, whatever its scopes


class ApiRouter(Router):
    """`@router.get("/tickets", scope="tickets:read", response=...)`: authentication, scope and docs in one."""

    def _scoped(self, scope: str | None, kwargs: dict[str, Any]) -> dict[str, Any]:
        extra = dict(kwargs.pop("openapi_extra", None) or {})
        extra["x-scope"] = scope
        return {"auth": auth_for(scope), "openapi_extra": extra, **kwargs}

    def get(self, path: str, *, scope: str | None, **kwargs: Any) -> Callable[..., Any]:  # type: ignore[override]
        return self.api_operation(["GET"], path, **self._scoped(scope, kwargs))

    def post(self, path: str, *, scope: str | None, **kwargs: Any) -> Callable[..., Any]:  # type: ignore[override]
        return self.api_operation(["POST"], path, **self._scoped(scope, kwargs))

    def patch(self, path: str, *, scope: str | None, **kwargs: Any) -> Callable[..., Any]:  # type: ignore[override]
        return self.api_operation(["PATCH"], path, **self._scoped(scope, kwargs))

    def delete(self, path: str, *, scope: str | None, **kwargs: Any) -> Callable[..., Any]:  # type: ignore[override]
        return self.api_operation(["DELETE"], path, **self._scoped(scope, kwargs))
