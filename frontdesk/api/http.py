"""The HTTP edge of the API: body parsing, size limits, JSON errors for routing failures, rate-limit headers."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser

from frontdesk.api.errors import (
    InvalidJson,
    MethodNotAllowed,
    RouteNotFound,
    internal_error,
    payload_too_large,
    render,
    to_domain_error,
)
from frontdesk.core.errors import DomainError, ValidationFailed

View = Callable[..., HttpResponseBase]


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not valid JSON")


def _bad_text(value: str) -> str | None:
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains an unpaired surrogate"
    return None


def check_text(data: Any, location: str, path: tuple[str, ...] = ()) -> None:
    """Refuse text that no database column can store (NUL, lone surrogates), naming where it is."""
    if isinstance(data, str):
        problem = _bad_text(data)
        if problem:
            field = ".".join(path)
            raise ValidationFailed(
                f"{field or location}: {problem}.",
                details={"errors": [{"location": location, "field": field, "message": problem, "type": "text"}]},
            )
    elif isinstance(data, dict):
        for key, value in data.items():
            check_text(key, location, path)
            check_text(value, location, (*path, str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            check_text(value, location, (*path, str(index)))


class StrictJsonParser(Parser):
    """JSON only (no NaN or Infinity), text every database can store."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        try:
            data = json.loads(request.body, parse_constant=_reject_constant)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidJson(f"The request body is not valid JSON ({exc}).") from None
        if not isinstance(data, dict):
            raise ValidationFailed(
                "The request body must be a JSON object.",
                details={"errors": [{"location": "body", "field": "", "message": "not an object", "type": "type"}]},
            )
        check_text(data, "body")
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        for key, values in data.lists():
            check_text(key, "query")
            for value in values:
                check_text(value, "query", (key,))
        return super().parse_querydict(data, list_fields, request)


def _too_large(request: HttpRequest) -> DomainError | None:
    raw = request.META.get("CONTENT_LENGTH") or "0"
    try:
        length = int(raw)
    except ValueError:
        return InvalidJson("The Content-Length header is not a number.", code="invalid_content_length")
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and length > limit:
        return payload_too_large()
    return None


def guard(view: View) -> View:
    """Wrap an API view: refuse oversize bodies early, answer every failure as JSON, add rate-limit headers."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            refusal = _too_large(request)
            if refusal is not None:
                return render(refusal)
            response = view(request, *args, **kwargs)
            if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
                allowed = response.get("Allow", "")
                response = render(
                    MethodNotAllowed(
                        f"{request.method} is not allowed here; use {allowed or 'another method'}.",
                        details={"allowed": [m.strip() for m in allowed.split(",") if m.strip()]},
                    )
                )
                response["Allow"] = allowed
        except (Http404, RequestDataTooBig, DomainError) as exc:
            error = to_domain_error(exc)
            response = render(error) if error else internal_error(request, exc)
        except Exception as exc:  # the last net: a bug must still answer in JSON, without a traceback
            response = internal_error(request, exc)
        usage = getattr(request, "rate_limit", None)
        if usage is not None:
            for name, value in usage.headers().items():
                response[name] = value
        return response

    guarded.csrf_exempt = True  # type: ignore[attr-defined]  # session-authenticated calls check CSRF in auth
    return guarded


def route_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise RouteNotFound(f"There is no API route {request.path}; see /api/v1/docs for the routes.")


def wrap_patterns(patterns: list[Any]) -> list[Any]:
    """The URL patterns with every view guarded (ninja's patterns are flat: no nested resolvers)."""
    from django.urls import URLPattern

    wrapped: list[Any] = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            wrapped.append(URLPattern(pattern.pattern, guard(pattern.callback), pattern.default_args, pattern.name))
        else:
            wrapped.append(pattern)
    return wrapped
