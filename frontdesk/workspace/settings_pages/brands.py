"""Settings: brands (the business identities served from this install)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from frontdesk.accounts import queries, services
from frontdesk.core.models import Brand
from frontdesk.workspace.settings_pages.forms import BrandEditForm, BrandForm
from frontdesk.workspace.settings_pages.pages import actor, admin_page, attempt, posted, render

ERROR_FIELDS = {"brand_exists": "slug", "invalid_email": "support_email"}


def _brand(request: HttpRequest, pk: int) -> Brand:
    brand = queries.brands_for(actor(request)).filter(pk=pk).first()
    if brand is None:
        raise Http404(f"Brand {pk} does not exist.")
    return brand


@admin_page()
def brand_list(request: HttpRequest) -> HttpResponse:
    brands = queries.brands_for(actor(request)).annotate(
        inbox_count=Count("inboxes", distinct=True), agent_count=Count("agents", distinct=True)
    )
    return render(request, "workspace/settings/brands/list.html", {"brands": brands}, page="brands")


@admin_page("GET", "POST")
def brand_create(request: HttpRequest) -> HttpResponse:
    form = BrandForm(posted(request))
    if request.method == "POST" and form.is_valid():
        ok, brand = attempt(form, services.create_brand, actor(request), **form.cleaned_data, fields=ERROR_FIELDS)
        if ok:
            messages.success(request, f"Brand {brand} created.")
            return redirect("settings:brands")
    return render(request, "workspace/settings/brands/form.html", {"form": form}, page="brands")


@admin_page("GET", "POST")
def brand_edit(request: HttpRequest, pk: int) -> HttpResponse:
    brand = _brand(request, pk)
    initial = {f: getattr(brand, f) for f in ("name", "slug", "support_email", "color", "is_active")}
    form = BrandEditForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, _ = attempt(form, services.update_brand, actor(request), brand, **form.cleaned_data, fields=ERROR_FIELDS)
        if ok:
            messages.success(request, f"Brand {brand} saved.")
            return redirect("settings:brands")
    return render(request, "workspace/settings/brands/form.html", {"form": form, "brand": brand}, page="brands")
