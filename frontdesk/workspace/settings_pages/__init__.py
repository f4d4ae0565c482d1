"""The settings pages of the agent workspace: brands, teams, agents, inboxes, tags, custom fields (admins) and
every agent's own profile and API tokens."""
