"""Who is calling: a bearer API token (scoped) or the signed-in agent's session (CSRF-checked).

Either way the request acts as one agent: handlers pass `actor(request)` to services and queries, which apply
that agent's role and brand/team visibility. On top of that, each operation names the scope it needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from frontdesk.accounts.choices import TokenScope
from frontdesk.accounts.models import Agent, ApiToken
from frontdesk.accounts.services import authenticate_token
from frontdesk.api import ratelimit
from frontdesk.api.errors import CsrfFailed, InsufficientScope, InvalidToken, RateLimited

ALL_SCOPES = frozenset(TokenScope.values)
# A write scope includes reading the same things: a client that may change tickets may also read them back.
IMPLIED_BY = {
    TokenScope.TICKETS_READ: TokenScope.TICKETS_WRITE,
    TokenScope.CONTACTS_READ: TokenScope.CONTACTS_WRITE,
    TokenScope.ADMIN_READ: TokenScope.ADMIN_WRITE,
}


@dataclass(frozen=True)
class Principal:
    """The caller of one request: the agent it acts as, what it may use, and the token if there is one."""

    agent: Agent
    scopes: frozenset[str]
    token: ApiToken | None = None

    @property
    def rate_key(self) -> str:
        # The token's random prefix, not its row id: ids come back after a database is restored or reset.
        if self.token is not None:
            return f"token:{self.token.prefix}"
        return f"agent:{self.agent.pk}:{self.agent.created_at.timestamp():.6f}"

    def allows(self, scope: str | None) -> bool:
        if scope is None:
            return True
        implied = IMPLIED_BY.get(scope)  # type: ignore[call-overload]
        return scope in self.scopes or (implied is not None and implied in self.scopes)


def actor(request: HttpRequest) -> Agent:
    """The agent a request acts as (set by authentication)."""
    return request.auth.agent  # type: ignore[attr-defined]


def _admit(request: HttpRequest, principal: Principal, scope: str | None) -> Principal:
    limit = int(settings.API_RATE_LIMIT_PER_MINUTE)
    if limit > 0:
        usage = ratelimit.hit(principal.rate_key, limit=limit)
        request.rate_limit = usage  # type: ignore[attr-defined]
        if usage.exceeded:
            retry = usage.retry_after()
            raise RateLimited(
                f"Rate limit of {limit} requests per minute reached; retry in {retry} s.",
                retry_after=retry,
                details={"limit": limit, "retry_after": retry},
            )
    if not principal.allows(scope):
        raise InsufficientScope(
            f"This token lacks the scope {scope}.",
            details={"required": scope, "granted": sorted(principal.scopes)},
        )
    return principal


class TokenAuth(HttpBearer):
    """`Authorization: Bearer fd_…`: an API token created for an agent (`frontdesk apitoken create`)."""

    def __init__(self, scope: str | None):
        self.scope = scope
        super().__init__()

    def __call__(self, request: HttpRequest) -> Principal | None:
        # Parsed here rather than by ninja, which logs an unexpected header whole (a secret) in DEBUG.
        scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Principal:
        found = authenticate_token(token)
        if found is None:
            raise InvalidToken("The API token is unknown, revoked or expired.")
        return _admit(request, Principal(found.agent, frozenset(found.scopes), found), self.scope)


class SessionAuth(APIKeyCookie):
    """The browser session of a signed-in agent (same-origin use); unsafe methods need the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, scope: str | None):
        self.scope = scope
        super().__init__(csrf=False)  # checked below, and only for requests that really use the session

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not key:
            return None
        user = request.user
        if not user.is_authenticated or not user.is_active:
            return None
        if check_csrf(request) is not None:
            raise CsrfFailed("CSRF check failed: send the X-CSRFToken header with the csrftoken cookie's value.")
        return _admit(request, Principal(user, ALL_SCOPES), self.scope)  # type: ignore[arg-type]


@cache
def auth_for(scope: str | None) -> list[Any]:
    """The authentication callbacks of an operation needing `scope` (None: any authenticated caller)."""
    return [TokenAuth(scope), SessionAuth(scope)]
