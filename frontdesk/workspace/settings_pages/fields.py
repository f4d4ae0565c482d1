"""Settings: custom ticket fields, for one brand or for all."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from frontdesk.tickets import catalog, queries
from frontdesk.tickets.models import CustomField
from frontdesk.workspace.settings_pages.forms import CustomFieldEditForm, CustomFieldForm
from frontdesk.workspace.settings_pages.pages import actor, admin_page, attempt, posted, render

ERROR_FIELDS = {"field_exists": "key"}


def _field(request: HttpRequest, pk: int) -> CustomField:
    field = queries.custom_fields_for(actor(request), include_inactive=True).filter(pk=pk).first()
    if field is None:
        raise Http404(f"Custom field {pk} does not exist.")
    return field


@admin_page()
def field_list(request: HttpRequest) -> HttpResponse:
    fields = queries.custom_fields_for(actor(request), include_inactive=True)
    return render(request, "workspace/settings/fields/list.html", {"fields": fields}, page="fields")


@admin_page("GET", "POST")
def field_create(request: HttpRequest) -> HttpResponse:
    form = CustomFieldForm(posted(request), actor=actor(request))
    if request.method == "POST" and form.is_valid():
        ok, field = attempt(form, catalog.create_custom_field, actor(request), **form.cleaned_data, fields=ERROR_FIELDS)
        if ok:
            messages.success(request, f"Field {field} created.")
            return redirect("settings:fields")
    return render(request, "workspace/settings/fields/form.html", {"form": form}, page="fields")


@admin_page("GET", "POST")
def field_edit(request: HttpRequest, pk: int) -> HttpResponse:
    field = _field(request, pk)
    initial = {
        "label": field.label,
        "options": "\n".join(str(o) for o in field.options),
        "required_to_solve": field.required_to_solve,
        "position": field.position,
        "is_active": field.is_active,
    }
    form = CustomFieldEditForm(posted(request), field_type=field.field_type, initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, _ = attempt(form, catalog.update_custom_field, actor(request), field, **form.cleaned_data)
        if ok:
            messages.success(request, f"Field {field} saved.")
            return redirect("settings:fields")
        field = _field(request, pk)
    return render(request, "workspace/settings/fields/form.html", {"form": form, "field": field}, page="fields")


@admin_page("POST")
def field_set_active(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    field = _field(request, pk)
    catalog.update_custom_field(actor(request), field, is_active=active)
    messages.success(request, f"Field {field} is {'active again' if active else 'deactivated'}.")
    return redirect("settings:fields")
