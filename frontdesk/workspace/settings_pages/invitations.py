"""Password-set emails for new agents (and for agents an admin resets), made with Django's reset tokens.

The link leads to the workspace's own password-reset page; it stops working once the password is set,
after PASSWORD_RESET_TIMEOUT (three days by default), or when the agent's email changes.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from frontdesk.accounts.models import Agent

logger = logging.getLogger(__name__)


def password_set_link(agent: Agent) -> str:
    uid = urlsafe_base64_encode(force_bytes(agent.pk))
    token = default_token_generator.make_token(agent)
    return settings.SITE_URL.rstrip("/") + reverse("workspace:password_reset_confirm", args=[uid, token])


def send_password_set_email(agent: Agent, *, sent_by: Agent) -> bool:
    """Mail the agent a link to choose a password; False (and a log line without the link) if sending failed.

    Called after the service call returned, so the agent row is committed; sending here rather than from a
    background job lets the admin see at once whether the mail went out.
    """
    context = {
        "agent": agent,
        "sent_by": sent_by,
        "link": password_set_link(agent),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    body = render_to_string("workspace/settings/emails/password_set.txt", context)
    try:
        send_mail("Choose your frontdesk password", body, None, [agent.email])
    except Exception as exc:  # SMTP refusals and connection errors alike; the admin can send again
        logger.warning("password-set email to agent %s failed: %s", agent.pk, exc.__class__.__name__)
        return False
    return True
