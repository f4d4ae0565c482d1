"""The console commands `frontdesk createagent` and `frontdesk apitoken`."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from frontdesk.accounts.models import Agent, ApiToken
from frontdesk.accounts.services import authenticate_token
from frontdesk.testing.factories import AgentFactory, BrandFactory, TeamFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_createagent_adds_an_admin_who_can_sign_in():
    # when
    out, _ = run(
        "createagent", "Boss@Example.com", "--name", "The Boss", "--role", "admin", "--password", "a-long-passphrase"
    )
    # then
    agent = Agent.objects.get(email="boss@example.com")
    assert (agent.name, agent.role) == ("The Boss", "admin")
    assert agent.check_password("a-long-passphrase")
    assert "Created The Boss <boss@example.com>" in out


def test_createagent_accepts_the_email_as_an_option():
    # when
    run("createagent", "--email", "opt@example.com", "--role", "admin", "--no-password")
    # then
    assert not Agent.objects.get(email="opt@example.com").has_usable_password()


def test_createagent_puts_an_agent_in_the_only_brand_or_the_named_ones():
    # given
    first = BrandFactory(slug="acme")
    team = TeamFactory(brand=first, name="Billing")
    # when
    run("createagent", "a@example.com", "--no-password")
    BrandFactory(slug="globex")
    run("createagent", "b@example.com", "--brand", "globex", "--brand", "acme", "--team", "billing", "--no-password")
    # then
    assert list(Agent.objects.get(email="a@example.com").brands.all()) == [first]
    b = Agent.objects.get(email="b@example.com")
    assert {x.slug for x in b.brands.all()} == {"acme", "globex"}
    assert list(b.teams.all()) == [team]


def test_createagent_reads_the_password_from_stdin(monkeypatch):
    # given
    monkeypatch.setattr("sys.stdin", io.StringIO("piped-passphrase-1\n"))
    # when
    run("createagent", "p@example.com", "--role", "admin", "--password-stdin")
    # then
    assert Agent.objects.get(email="p@example.com").check_password("piped-passphrase-1")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["not-an-email", "--role", "admin", "--no-password"], "is not an email address"),
        (["x@example.com", "--role", "admin", "--password", "short"], "too short"),
        (["x@example.com", "--brand", "nope", "--no-password"], "No brand with slug nope"),
        (["x@example.com", "--no-password"], "There is no brand yet"),
        (["--role", "admin"], "Give the agent's email address"),
    ],
)
def test_createagent_errors_are_one_clear_line(args, message):
    # when / then
    with pytest.raises(CommandError, match=message):
        run("createagent", *args)
    assert not Agent.objects.exists()


def test_createagent_refuses_a_taken_email():
    # given
    AgentFactory(email="taken@example.com")
    # when / then
    with pytest.raises(CommandError, match="already exists"):
        run("createagent", "taken@example.com", "--role", "admin", "--no-password")


def test_createagent_without_a_terminal_asks_for_a_password_source(monkeypatch):
    # given
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    # when / then
    with pytest.raises(CommandError, match="--password-stdin"):
        run("createagent", "t@example.com", "--role", "admin")


def test_apitoken_create_prints_only_the_token_which_then_works():
    # given
    agent = AgentFactory(email="bot@example.com")
    # when
    out, err = run(
        "apitoken", "create", "bot@example.com", "--scope", "tickets:read", "--name", "crm", "--expires-days", "7"
    )
    # then
    token = out.strip()
    found = authenticate_token(token)
    assert found is not None and found.agent == agent
    assert found.scopes == ["tickets:read"]
    assert found.expires_at is not None
    assert "shown only this once" in err


def test_apitoken_create_needs_a_scope_and_a_known_agent():
    # given
    AgentFactory(email="bot@example.com")
    # when / then
    with pytest.raises(CommandError, match="at least one --scope"):
        run("apitoken", "create", "bot@example.com")
    with pytest.raises(CommandError, match=r"No agent with email ghost@example\.com"):
        run("apitoken", "create", "ghost@example.com", "--all-scopes")
    with pytest.raises(CommandError, match="1 or more"):
        run("apitoken", "create", "bot@example.com", "--all-scopes", "--expires-days", "0")


def test_apitoken_list_and_revoke_by_prefix():
    # given
    AgentFactory(email="bot@example.com")
    token, _ = run("apitoken", "create", "bot@example.com", "--all-scopes", "--name", "ci")
    prefix = token.strip().split("_")[1]
    # when
    listed, _ = run("apitoken", "list")
    revoked, _ = run("apitoken", "revoke", prefix)
    after, _ = run("apitoken", "list")
    everything, _ = run("apitoken", "list", "--all")
    # then
    assert prefix in listed and "bot@example.com" in listed
    assert f"Revoked token {prefix}" in revoked
    assert authenticate_token(token.strip()) is None
    assert after.strip() == "No tokens."
    assert "revoked" in everything
    assert ApiToken.objects.get(prefix=prefix).revoked_at is not None


def test_apitoken_revoke_accepts_the_whole_token_and_says_when_nothing_matches():
    # given
    AgentFactory(email="bot@example.com")
    token, _ = run("apitoken", "create", "bot@example.com", "--all-scopes")
    # when
    out, _ = run("apitoken", "revoke", token.strip())
    # then
    assert "Revoked" in out
    with pytest.raises(CommandError, match="No token with prefix"):
        run("apitoken", "revoke", "feedfacecafe")


def test_createagent_prompts_twice_on_a_terminal(monkeypatch):
    # given
    answers = iter(["typed-passphrase-1", "typed-passphrase-1"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    # when
    run("createagent", "typed@example.com", "--role", "admin")
    # then
    assert Agent.objects.get(email="typed@example.com").check_password("typed-passphrase-1")


def test_createagent_refuses_two_different_passwords(monkeypatch):
    # given
    answers = iter(["first-passphrase-1", "other-passphrase-2"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    # when / then
    with pytest.raises(CommandError, match="differ"):
        run("createagent", "typed@example.com", "--role", "admin")
    assert not Agent.objects.exists()
