"""Error codes of the inboxes domain."""

INBOX_NOT_FOUND = "inbox_not_found"
INVALID_CHANNEL_KIND = "invalid_channel_kind"
ORIGINAL_NOT_FOUND = "original_not_found"
INTAKE_NOT_FOUND = "intake_not_found"
