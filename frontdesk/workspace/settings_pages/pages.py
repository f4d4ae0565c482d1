"""What every settings page shares: sign-in and role checks, domain errors turned into answers, rendering."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render as django_render
from django.views.decorators.http import require_http_methods

from frontdesk.accounts import permissions
from frontdesk.accounts.models import Agent
from frontdesk.core.errors import DomainError, NotFound, PermissionDenied

View = Callable[..., HttpResponseBase]  # a page, or a download (streamed)
T = TypeVar("T")


def _guarded(view: View, *, admin: bool, methods: tuple[str, ...]) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if admin and not permissions.is_admin(request.user):  # type: ignore[arg-type]
            raise DjangoPermissionDenied("Only admins can change settings.")
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None
        except DomainError as exc:
            # A refusal the page did not expect still gets a clear answer with its own status, never a 500.
            return render(request, "workspace/settings/error.html", {"message": exc.message}, status=exc.status)

    return require_http_methods(list(methods))(login_required(wrapped))


def admin_page(*methods: str) -> Callable[[View], View]:
    """A page only admins may open (everyone else gets 403); `methods` defaults to GET only."""
    return lambda view: _guarded(view, admin=True, methods=methods or ("GET",))


def agent_page(*methods: str) -> Callable[[View], View]:
    """A page every signed-in agent may open (their own profile and tokens)."""
    return lambda view: _guarded(view, admin=False, methods=methods or ("GET",))


def actor(request: HttpRequest) -> Agent:
    return request.user  # type: ignore[return-value]


def render(
    request: HttpRequest,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    page: str = "",
    status: int = 200,
) -> HttpResponse:
    """Render a settings template; `page` marks the current entry in the settings menu."""
    full = {"section": "settings", "settings_page": page, **(context or {})}
    return django_render(request, template, full, status=status)


def attempt(
    form: forms.Form, call: Callable[..., T], *args: Any, fields: Mapping[str, str] | None = None, **kwargs: Any
) -> tuple[bool, T | None]:
    """Run a service call; a domain refusal becomes a form error (on the field named by its code, if any).

    Not found and not allowed are not form errors: they propagate and become 404 and 403.
    """
    try:
        return True, call(*args, **kwargs)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        form.add_error((fields or {}).get(exc.code), exc.message)
        return False, None


def paginate(request: HttpRequest, items: Any, per_page: int = 50) -> Page:
    """One page of a list; a bad or too-large ?page= falls back to the first or last page, never an error."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def posted(request: HttpRequest) -> Any:
    """The submitted data on POST (even when empty, so that a bare POST shows its errors), else None."""
    return request.POST if request.method == "POST" else None


def query_without_page(request: HttpRequest) -> str:
    """The list's current filters, for the links to other pages of it."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def id_param(request: HttpRequest, name: str) -> int | None:
    """A record id from the query string, or None for anything that is not one (letters, "³", 30 digits)."""
    value = request.GET.get(name, "")
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        return None
    return int(value)


def text_param(request: HttpRequest, name: str, max_length: int = 100) -> str:
    """A search text from the query string, trimmed; NUL characters are dropped (PostgreSQL refuses them)."""
    return request.GET.get(name, "").replace("\x00", "").strip()[:max_length]
