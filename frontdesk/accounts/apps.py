from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "frontdesk.accounts"
    label = "accounts"
    verbose_name = "Agents and teams"

    def ready(self) -> None:
        from frontdesk.accounts import events, token_cache
        from frontdesk.core.events import subscribe

        # A remembered token carries its agent and the agent's memberships: any change to them forgets it.
        for name in (events.AGENT_UPDATED, events.TOKEN_REVOKED, events.BRAND_UPDATED, events.TEAM_UPDATED):
            subscribe(name, token_cache.clear)
