"""Settings every agent has: their own name, signature, time zone and password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from frontdesk.accounts import services
from frontdesk.workspace.settings_pages.forms import PasswordForm, ProfileForm
from frontdesk.workspace.settings_pages.pages import actor, agent_page, attempt, posted, render


def _page(request: HttpRequest, profile_form: ProfileForm, password_form: PasswordForm) -> HttpResponse:
    context = {"form": profile_form, "password_form": password_form}
    return render(request, "workspace/settings/profile.html", context, page="profile")


@agent_page("GET", "POST")
def profile(request: HttpRequest) -> HttpResponse:
    me = actor(request)
    initial = {"name": me.name, "signature": me.signature, "time_zone": me.time_zone}
    form = ProfileForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, _ = attempt(form, services.update_agent, me, me, **form.cleaned_data)
        if ok:
            messages.success(request, "Your profile is saved.")
            return redirect("settings:profile")
        me.refresh_from_db()
    return _page(request, form, PasswordForm(me))


@agent_page("POST")
def change_password(request: HttpRequest) -> HttpResponse:
    me = actor(request)
    form = PasswordForm(me, request.POST)
    if form.is_valid():
        ok, _ = attempt(
            form,
            services.set_password,
            me,
            me,
            form.cleaned_data["new_password1"],
            fields={"weak_password": "new_password2"},
        )
        if ok:
            update_session_auth_hash(request, me)  # stay signed in here; other sessions are signed out
            messages.success(request, "Your password is changed.")
            return redirect("settings:profile")
    profile_form = ProfileForm(initial={"name": me.name, "signature": me.signature, "time_zone": me.time_zone})
    return _page(request, profile_form, form)
