"""Settings: tags (install-wide ticket labels) with how many tickets carry each."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from frontdesk.tickets import catalog, queries
from frontdesk.tickets.models import Tag
from frontdesk.workspace.settings_pages.forms import TagForm
from frontdesk.workspace.settings_pages.pages import (
    actor,
    admin_page,
    attempt,
    paginate,
    posted,
    query_without_page,
    render,
    text_param,
)

ERROR_FIELDS = {"tag_exists": "name", "invalid_field": "name"}


def _tag(request: HttpRequest, pk: int) -> Tag:
    tag = queries.tags_for(actor(request)).filter(pk=pk).first()
    if tag is None:
        raise Http404(f"Tag {pk} does not exist.")
    return tag


@admin_page("GET", "POST")
def tag_list(request: HttpRequest) -> HttpResponse:
    """The list and, on the same page, the form that adds a tag."""
    me = actor(request)
    form = TagForm(posted(request))
    if request.method == "POST" and form.is_valid():
        ok, tag = attempt(form, catalog.create_tag, me, **form.cleaned_data, fields=ERROR_FIELDS)
        if ok:
            messages.success(request, f"Tag {tag} created.")
            return redirect("settings:tags")
    q = text_param(request, "q", max_length=60)
    tags = queries.tags_for(me, search=q).annotate(ticket_count=Count("tickets"))
    context = {
        "page_obj": paginate(request, tags, per_page=100),
        "query": query_without_page(request),
        "q": q,
        "form": form,
    }
    return render(request, "workspace/settings/tags/list.html", context, page="tags")


@admin_page("GET", "POST")
def tag_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tag = _tag(request, pk)
    form = TagForm(posted(request), initial={"name": tag.name, "color": tag.color})
    if request.method == "POST" and form.is_valid():
        ok, _ = attempt(form, catalog.update_tag, actor(request), tag, **form.cleaned_data, fields=ERROR_FIELDS)
        if ok:
            messages.success(request, f"Tag {tag} saved.")
            return redirect("settings:tags")
        tag = _tag(request, pk)
    return render(request, "workspace/settings/tags/form.html", {"form": form, "tag": tag}, page="tags")


@admin_page("GET", "POST")
def tag_delete(request: HttpRequest, pk: int) -> HttpResponse:
    tag = _tag(request, pk)
    if request.method == "POST":
        catalog.delete_tag(actor(request), tag)
        messages.success(request, f"Tag {tag.name} deleted.")
        return redirect("settings:tags")
    context = {"tag": tag, "ticket_count": tag.tickets.count()}
    return render(request, "workspace/settings/tags/delete.html", context, page="tags")
