"""Agents (the people who answer customers), their teams and their API tokens."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone

from frontdesk.accounts.choices import Role
from frontdesk.core.models import Brand, TimestampedModel


class AgentManager(BaseUserManager["Agent"]):
    def create_user(self, email: str, password: str | None = None, **fields: object) -> Agent:
        agent = self.model(email=self.normalize_email(email).lower(), **fields)
        agent.set_password(password)
        agent.save()
        return agent

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> Agent:
        fields.setdefault("role", Role.ADMIN)
        return self.create_user(email, password, **fields)


class Agent(AbstractBaseUser):
    """A member of the support staff who signs in with an email address and works tickets."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.AGENT)
    is_active = models.BooleanField(default=True)
    brands = models.ManyToManyField(Brand, related_name="agents", blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    signature = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AgentManager()
    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def initials(self) -> str:
        parts = (self.name or self.email).replace("@", " ").split()
        return "".join(p[0] for p in parts[:2]).upper()

    # Django's admin/auth expect these; frontdesk has its own admin pages and permission checks.
    @property
    def is_staff(self) -> bool:
        return self.is_admin

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class Team(TimestampedModel):
    """A group of agents in one brand that tickets can be routed to (billing, tier 2, ...)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=120)
    members = models.ManyToManyField(Agent, through="TeamMembership", related_name="teams", blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["brand", "name"], name="team_name_unique_per_brand")]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    """An agent's place in a team."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE)
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "agent"], name="team_membership_unique")]


class ApiToken(TimestampedModel):
    """A bearer credential for the REST API that acts as its agent, limited to its scopes."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=120)
    prefix = models.CharField(max_length=16, unique=True)  # shown in lists; the secret is only stored hashed
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
