"""`frontdesk createagent EMAIL`: add a member of staff from the console (the first admin, or anyone)."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontdesk.accounts import services
from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import Team
from frontdesk.core.errors import DomainError
from frontdesk.core.models import Brand


class Command(BaseCommand):
    help = "Add an agent who signs in with EMAIL. The password comes from --password, --password-stdin or a prompt."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", nargs="?", help="the address the agent signs in with")
        parser.add_argument("--email", dest="email_option", metavar="EMAIL", help="the same, as an option")
        parser.add_argument("--name", default="", help="full name (default: the part of the email before @)")
        parser.add_argument(
            "--role", default=Role.AGENT, choices=Role.values, help="what the agent may do (default: agent)"
        )
        parser.add_argument(
            "--brand",
            action="append",
            default=[],
            metavar="SLUG",
            help="a brand the agent works for, by slug; repeat for several (default: the only brand, if one)",
        )
        parser.add_argument(
            "--team", action="append", default=[], metavar="NAME", help="a team of one of those brands; repeat"
        )
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--password", help="the password (visible in your shell history: prefer a prompt)")
        source.add_argument(
            "--password-stdin", action="store_true", help="read the password from the first line of standard input"
        )
        source.add_argument(
            "--no-password", action="store_true", help="no password yet: the agent sets one with a reset link"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        email = opts["email"] or opts["email_option"]
        if not email:
            raise CommandError("Give the agent's email address: frontdesk createagent EMAIL.")
        if opts["email"] and opts["email_option"] and opts["email"] != opts["email_option"]:
            raise CommandError("Two different email addresses given; give one.")
        role = opts["role"]
        brands = self._brands(opts["brand"], role)
        teams = self._teams(opts["team"], brands)
        password = self._password(opts)
        try:
            agent = services.create_agent(
                None,
                email=email,
                name=opts["name"],
                role=role,
                password=password,
                brands=brands,
                teams=teams,
                check_password=password is not None,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        where = ", ".join(b.name for b in brands) or ("every brand" if role == Role.ADMIN else "no brand yet")
        self.stdout.write(
            self.style.SUCCESS(f"Created {agent.name} <{agent.email}>, {agent.get_role_display()}, in {where}.")  # type: ignore[attr-defined]
        )
        if password is None:
            self.stdout.write("No password set: the agent can choose one through the sign-in page's reset link.")

    def _brands(self, slugs: list[str], role: str) -> list[Brand]:
        if not slugs:
            if role == Role.ADMIN:
                return []
            only = list(Brand.objects.order_by("id")[:2])
            if len(only) == 1:
                return only
            if not only:
                raise CommandError("There is no brand yet. Create one first (an admin needs none: --role admin).")
            raise CommandError(f"Say which brand with --brand; there are: {self._slugs()}.")
        found = {b.slug: b for b in Brand.objects.filter(slug__in=slugs)}
        missing = [s for s in slugs if s not in found]
        if missing:
            raise CommandError(f"No brand with slug {', '.join(missing)}; there are: {self._slugs() or 'none'}.")
        return [found[s] for s in dict.fromkeys(slugs)]

    def _slugs(self) -> str:
        return ", ".join(Brand.objects.order_by("slug").values_list("slug", flat=True))

    def _teams(self, names: list[str], brands: list[Brand]) -> list[Team]:
        teams = []
        for name in names:
            team = Team.objects.filter(brand__in=brands, name__iexact=name).first() if brands else None
            if team is None:
                raise CommandError(f"No team named {name!r} in the agent's brands.")
            teams.append(team)
        return teams

    def _password(self, opts: dict[str, Any]) -> str | None:
        if opts["no_password"]:
            return None
        if opts["password"] is not None:
            return str(opts["password"])
        if opts["password_stdin"]:
            line = sys.stdin.readline().rstrip("\r\n")
            if not line:
                raise CommandError("No password on standard input.")
            return line
        if not sys.stdin.isatty():
            raise CommandError("Give --password, --password-stdin or --no-password (no terminal to prompt on).")
        try:
            first = getpass.getpass("Password: ")
            again = getpass.getpass("Password (again): ")
        except (KeyboardInterrupt, EOFError):
            raise CommandError("Cancelled; nothing was created.") from None
        if first != again:
            raise CommandError("The two passwords differ; nothing was created.")
        return first
