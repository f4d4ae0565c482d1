"""What every workspace page shares: sign-in, the agent's time zone, and domain refusals as clear answers."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from frontdesk.accounts.models import Agent
from frontdesk.core.errors import DomainError, NotFound, PermissionDenied

View = Callable[..., HttpResponseBase]


def actor(request: HttpRequest) -> Agent:
    return request.user  # type: ignore[return-value]


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _zone(agent: Agent) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(agent.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def page(*methods: str) -> Callable[[View], View]:
    """A signed-in page: times shown in the agent's zone; "not found" is a 404 and "not allowed" a 403."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            zone = _zone(actor(request))
            if zone is not None:
                timezone.activate(zone)
            try:
                response = view(request, *args, **kwargs)
            except NotFound as exc:
                if is_htmx(request):
                    return flash_error(request, exc.message, status=exc.status)
                raise Http404(exc.message) from None
            except PermissionDenied as exc:
                if is_htmx(request):
                    return flash_error(request, exc.message, status=exc.status)
                raise DjangoPermissionDenied(exc.message) from None
            finally:
                timezone.deactivate()
            response.headers.setdefault("Vary", "HX-Request")
            return response

        return require_http_methods(list(methods or ("GET",)))(login_required(wrapped))

    return decorate


def flash_error(request: HttpRequest, message: str, *, status: int = 400) -> HttpResponse:
    """A refusal shown as a toast; htmx puts it in the flash area instead of where the answer would go."""
    response = render(request, "workspace/_flash.html", {"flashes": [("error", message)]}, status=status)
    response["HX-Retarget"] = "#flash"
    response["HX-Reswap"] = "innerHTML"
    return response


def refuse(request: HttpRequest, exc: DomainError, fallback: str) -> HttpResponse:
    """Tell the person why their request was refused: a toast over htmx, else a message and back.

    "Not found" and "not allowed" keep their meaning: they become a 404 and a 403 (see `page`).
    """
    if isinstance(exc, NotFound | PermissionDenied):
        raise exc
    if is_htmx(request):
        return flash_error(request, exc.message, status=exc.status)
    messages.error(request, exc.message)
    return redirect(back(request, fallback))


def back(request: HttpRequest, fallback: str) -> str:
    """Where to return after a form: the `next` field when it is one of ours, else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback
