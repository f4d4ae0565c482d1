from django.db import models


class Role(models.TextChoices):
    """What an agent may do; checked on every read and write (see accounts/permissions.py)."""

    ADMIN = "admin", "Admin"
    LEAD = "lead", "Lead"
    AGENT = "agent", "Agent"
    LIGHT_AGENT = "light_agent", "Light agent"
    READ_ONLY = "read_only", "Read-only"


class TokenScope(models.TextChoices):
    """What an API token may be used for, on top of its agent's own permissions."""

    TICKETS_READ = "tickets:read", "Read tickets and messages"
    TICKETS_WRITE = "tickets:write", "Create and change tickets, post messages"
    CONTACTS_READ = "contacts:read", "Read contacts and organisations"
    CONTACTS_WRITE = "contacts:write", "Create and change contacts and organisations"
    ADMIN_READ = "admin:read", "Read agents, teams, inboxes, tags, custom fields"
    ADMIN_WRITE = "admin:write", "Change agents, teams, inboxes, tags, custom fields"
