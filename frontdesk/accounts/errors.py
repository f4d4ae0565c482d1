"""Error codes of the accounts domain."""

AGENT_NOT_FOUND = "agent_not_found"
TEAM_NOT_FOUND = "team_not_found"
BRAND_NOT_FOUND = "brand_not_found"
BRAND_REQUIRED = "brand_required"
EMAIL_TAKEN = "email_taken"
INVALID_TOKEN = "invalid_token"
INVALID_SCOPE = "invalid_scope"
