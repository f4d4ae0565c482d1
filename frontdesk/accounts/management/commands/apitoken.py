"""`frontdesk apitoken create|list|revoke`: REST API tokens from the console."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from frontdesk.accounts import queries, services, tokens
from frontdesk.accounts.choices import TokenScope
from frontdesk.accounts.models import Agent, ApiToken
from frontdesk.core.errors import DomainError

SCOPES = ", ".join(TokenScope.values)


class Command(BaseCommand):
    help = "Create, list and revoke REST API tokens. A token acts as its agent, limited to its scopes."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,list,revoke}")
        create = actions.add_parser(
            "create",
            help="create a token for an agent and print it (once: only a hash is kept)",
            description="Create a token for the agent with EMAIL. The token is printed on standard output, alone.",
        )
        create.add_argument("email", help="the agent the token acts as")
        create.add_argument(
            "--scope", action="append", default=[], choices=TokenScope.values, help=f"repeat for several: {SCOPES}"
        )
        create.add_argument("--all-scopes", action="store_true", help="every scope")
        create.add_argument("--name", default="", help="what the token is for (shown in lists)")
        create.add_argument("--expires-days", type=int, default=None, metavar="N", help="expire after N days")
        listing = actions.add_parser("list", help="list tokens (prefix, agent, scopes, last use)")
        listing.add_argument("--agent", metavar="EMAIL", help="only this agent's tokens")
        listing.add_argument("--all", action="store_true", help="include revoked tokens")
        revoke = actions.add_parser("revoke", help="revoke a token by its prefix (as shown by list)")
        revoke.add_argument("prefix", help="the token's prefix, or the whole token")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, f"_{opts['action']}")(opts)

    def _agent(self, email: str) -> Agent:
        agent = queries.console_agent_by_email(email)
        if agent is None:
            raise CommandError(f"No agent with email {email}; add one with `frontdesk createagent {email}`.")
        return agent

    def _create(self, opts: dict[str, Any]) -> None:
        agent = self._agent(opts["email"])
        scopes = TokenScope.values if opts["all_scopes"] else opts["scope"]
        if not scopes:
            raise CommandError(f"Give at least one --scope (or --all-scopes); scopes: {SCOPES}.")
        days = opts["expires_days"]
        if days is not None and days < 1:
            raise CommandError("--expires-days must be 1 or more.")
        expires_at = timezone.now() + dt.timedelta(days=days) if days else None
        try:
            token, full = services.issue_api_token(
                agent, agent, name=opts["name"] or "API token", scopes=scopes, expires_at=expires_at
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(full)
        until = f", expires {token.expires_at:%Y-%m-%d}" if token.expires_at else ""
        self.stderr.write(
            f"Created token {token.prefix} ({token.name}) for {agent.email}: {', '.join(token.scopes)}{until}.\n"
            "It is shown only this once: store it now. Use it as `Authorization: Bearer <token>`."
        )

    def _list(self, opts: dict[str, Any]) -> None:
        agent = self._agent(opts["agent"]) if opts["agent"] else None
        rows = list(queries.console_tokens(agent=agent, include_revoked=opts["all"]))
        if not rows:
            self.stdout.write("No tokens.")
            return
        self.stdout.write(f"{'PREFIX':<14}{'AGENT':<32}{'NAME':<22}{'LAST USED':<18}{'STATE':<18}SCOPES")
        for token in rows:
            self.stdout.write(
                f"{token.prefix:<14}{token.agent.email[:30]:<32}{token.name[:20]:<22}"
                f"{_when(token.last_used_at):<18}{_state(token):<18}{','.join(token.scopes)}"
            )
        self.stdout.write(f"{len(rows)} token(s).")

    def _revoke(self, opts: dict[str, Any]) -> None:
        raw = opts["prefix"].strip()
        parts = tokens.split(raw)
        prefix = parts[0] if parts else raw.removeprefix("fd_").rstrip("_")
        token = queries.console_token_by_prefix(prefix)
        if token is None:
            raise CommandError(f"No token with prefix {prefix}; see `frontdesk apitoken list`.")
        if token.revoked_at is not None:
            self.stdout.write(f"Token {token.prefix} was already revoked on {token.revoked_at:%Y-%m-%d %H:%M}.")
            return
        services.revoke_api_token(token.agent, token)
        self.stdout.write(self.style.SUCCESS(f"Revoked token {token.prefix} ({token.name}) of {token.agent.email}."))


def _when(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "never"


def _state(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None:
        return "expired" if token.expires_at <= timezone.now() else f"until {token.expires_at:%Y-%m-%d}"
    return "active"
