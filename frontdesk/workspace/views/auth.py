"""Signing in and out, and resetting a forgotten password by email (Django's auth views, our templates)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.urls import reverse_lazy


class EmailLoginForm(AuthenticationForm):
    """Email address and password (checked by accounts.backends.EmailBackend)."""

    username = forms.EmailField(
        label="Email", max_length=320, widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": "That email address and password do not match an active account.",
        "inactive": "This account is deactivated.",
    }


class LoginView(auth_views.LoginView):
    template_name = "workspace/auth/login.html"
    authentication_form = EmailLoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    next_page = "/login/"


class ResetForm(PasswordResetForm):
    def get_users(self, email: str) -> Any:
        # Agents sign in with lower-case addresses; match the way the sign-in form does.
        return super().get_users(email.strip().lower())


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "workspace/auth/password_reset.html"
    email_template_name = "workspace/auth/password_reset_email.txt"
    subject_template_name = "workspace/auth/password_reset_subject.txt"
    form_class = ResetForm
    success_url = reverse_lazy("workspace:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "workspace/auth/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "workspace/auth/password_reset_confirm.html"
    success_url = reverse_lazy("workspace:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "workspace/auth/password_reset_complete.html"
