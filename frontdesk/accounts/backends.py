"""Sign-in by email address, case-insensitive."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from frontdesk.accounts.models import Agent


class EmailBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kw: Any
    ) -> Agent | None:
        email = (username or kw.get("email") or "").strip().lower()
        if not email or password is None:
            return None
        agent = Agent.objects.filter(email=email).first()
        if agent is None:
            Agent().set_password(password)  # same cost as a real check: no timing oracle for unknown emails
            return None
        if agent.check_password(password) and self.user_can_authenticate(agent):
            return agent
        return None

    def get_user(self, user_id: int) -> Agent | None:  # type: ignore[override]
        return Agent.objects.filter(pk=user_id, is_active=True).first()
