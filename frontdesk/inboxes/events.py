"""Event names published by the inboxes domain."""

INBOX_CREATED = "inbox.created"
INBOX_UPDATED = "inbox.updated"
