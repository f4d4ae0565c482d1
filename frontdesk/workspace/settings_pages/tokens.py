"""Settings every agent has: their API tokens. Admins see and can revoke everyone's."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from frontdesk.accounts import permissions, queries, services
from frontdesk.workspace.settings_pages.forms import TokenForm
from frontdesk.workspace.settings_pages.pages import (
    actor,
    agent_page,
    attempt,
    paginate,
    posted,
    query_without_page,
    render,
)


@never_cache  # the answer to a create carries the token text, which must not linger in any cache
@agent_page("GET", "POST")
def token_list(request: HttpRequest) -> HttpResponse:
    """The list and the form that issues a token; the new token's text is shown in this one answer only."""
    me = actor(request)
    form = TokenForm(posted(request), agent=me)
    new_token = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, issued = attempt(
            form,
            services.issue_api_token,
            me,
            me,
            name=data["name"],
            scopes=data["scopes"],
            expires_at=form.expires_at(),
            fields={"invalid_scope": "scopes"},
        )
        if ok and issued is not None:
            new_token = {"row": issued[0], "text": issued[1]}
            form = TokenForm(agent=me)
    tokens = queries.tokens_for(me).order_by("revoked_at", "-created_at", "-id")
    context = {
        "form": form,
        "new_token": new_token,
        "page_obj": paginate(request, tokens),
        "query": query_without_page(request),
        "show_owner": permissions.is_admin(me),
    }
    return render(request, "workspace/settings/tokens/list.html", context, page="tokens")


@agent_page("POST")
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = queries.tokens_for(actor(request)).filter(pk=pk).first()
    if token is None:  # someone else's token looks just like a missing one
        raise Http404(f"API token {pk} does not exist.")
    services.revoke_api_token(actor(request), token)
    messages.success(request, f"Token {token.name} ({token.prefix}…) is revoked; it no longer works.")
    return redirect("settings:tokens")
