"""Event names published by the contacts domain (payloads carry ids only)."""

CONTACT_CREATED = "contact.created"
CONTACT_UPDATED = "contact.updated"
CONTACTS_MERGED = "contact.merged"
