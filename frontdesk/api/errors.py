"""The one error shape of the API, `{"error": {"code", "message", "details"}}`, and the handlers producing it.

Every refusal is a DomainError with a stable code (see docs/api.md); anything unexpected is logged and answered
with `internal_error`, never with a traceback.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import RequestDataTooBig
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from frontdesk.core.errors import DomainError

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("frontdesk.api")
CONTENT_TYPE = "application/json; charset=utf-8"


class ApiError(DomainError):
    """An error whose status is chosen where it is raised (wrapped framework and database errors)."""

    def __init__(self, status: int, code: str, message: str, *, details: dict[str, Any] | None = None):
        super().__init__(message, code=code, details=details)
        self.status = status


class InvalidJson(DomainError):
    code = "invalid_json"
    status = 400


class InvalidCursor(DomainError):
    code = "invalid_cursor"
    status = 400


class AuthenticationRequired(DomainError):
    code = "authentication_required"
    status = 401


class InvalidToken(DomainError):
    code = "invalid_token"
    status = 401


class InsufficientScope(DomainError):
    code = "insufficient_scope"
    status = 403


class CsrfFailed(DomainError):
    code = "csrf_failed"
    status = 403


class RouteNotFound(DomainError):
    code = "route_not_found"
    status = 404


class MethodNotAllowed(DomainError):
    code = "method_not_allowed"
    status = 405


class PayloadTooLarge(DomainError):
    code = "payload_too_large"
    status = 413


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429

    def __init__(self, message: str, *, retry_after: int, details: dict[str, Any] | None = None):
        super().__init__(message, details=details)
        self.retry_after = retry_after


def error_response(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> HttpResponse:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return HttpResponse(json.dumps(body, default=str), status=status, content_type=CONTENT_TYPE)


def render(exc: DomainError) -> HttpResponse:
    response = error_response(exc.status, exc.code, exc.message, exc.details)
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="frontdesk"'
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


def payload_too_large() -> PayloadTooLarge:
    from django.conf import settings

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return PayloadTooLarge(f"The request body is larger than the limit of {limit:,} bytes.", details={"limit": limit})


def internal_error(request: HttpRequest, exc: BaseException) -> HttpResponse:
    logger.error("unexpected error on %s %s", request.method, request.path, exc_info=exc)
    return error_response(500, "internal_error", "Something went wrong on our side; the error was logged.")


def _field_path(loc: list[Any] | tuple[Any, ...]) -> tuple[str, str]:
    parts = [str(p) for p in loc]
    source = parts[0] if parts else ""
    rest = parts[1:]
    if source == "body" and rest[:1] == ["body"]:
        rest = rest[1:]  # every operation names its body parameter `body`; clients never see that name
    return source, ".".join(rest)


def validation_failed(errors: list[dict[str, Any]]) -> DomainError:
    items = []
    for error in errors:
        location, field = _field_path(error.get("loc") or ())
        items.append(
            {"location": location, "field": field, "message": error.get("msg", ""), "type": error.get("type", "")}
        )
    first = items[0] if items else {"field": "", "location": "", "message": "invalid"}
    more = f" (and {len(items) - 1} more)" if len(items) > 1 else ""
    label = first["field"] or first["location"] or "request"
    return ApiError(
        422,
        "validation_failed",
        f"The request is not valid: {label}: {first['message']}{more}.",
        details={"errors": items},
    )


def to_domain_error(exc: BaseException) -> DomainError | None:
    """The documented error for a known failure, None for a real bug."""
    if isinstance(exc, DomainError):
        return exc
    if isinstance(exc, NinjaValidationError):
        return validation_failed(exc.errors)
    if isinstance(exc, RequestDataTooBig):
        return payload_too_large()
    if isinstance(exc, AuthenticationError):
        return AuthenticationRequired(
            "Authentication required: send the header Authorization: Bearer fd_… with an API token."
        )
    if isinstance(exc, HttpError):
        cause = exc.__cause__
        if isinstance(cause, DomainError):
            return cause
        if isinstance(cause, RequestDataTooBig):
            return payload_too_large()
        if exc.status_code == 400:
            return InvalidJson("The request body is not valid JSON.")
        return ApiError(exc.status_code, "http_error", str(exc))
    if isinstance(exc, Http404):
        return RouteNotFound("There is no such API route.")
    if isinstance(exc, IntegrityError):
        logger.warning("integrity error answered as conflict: %s", exc)
        return ApiError(409, "conflict", "The change conflicts with existing data.")
    if isinstance(exc, DataError):
        logger.warning("data error answered as validation failure: %s", exc)
        return ApiError(422, "validation_failed", "A value is too long or out of range for its field.")
    return None


def handle(request: HttpRequest, exc: Exception) -> HttpResponse:
    error = to_domain_error(exc)
    if error is None:
        return internal_error(request, exc)
    return render(error)


def install(api: NinjaAPI) -> None:
    """Route every exception raised inside an operation through `handle` (replacing ninja's own handlers)."""
    for exc_class in (Exception, HttpError, NinjaValidationError, Http404):
        api.add_exception_handler(exc_class, handle)  # type: ignore[arg-type]  # ninja passes instances only
