"""Event names published by the accounts domain."""

AGENT_CREATED = "agent.created"
AGENT_UPDATED = "agent.updated"
TOKEN_CREATED = "api_token.created"
TOKEN_REVOKED = "api_token.revoked"
BRAND_UPDATED = "brand.updated"
TEAM_UPDATED = "team.updated"
