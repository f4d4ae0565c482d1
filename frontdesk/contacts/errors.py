"""Error codes of the contacts domain."""

CONTACT_NOT_FOUND = "contact_not_found"
ORGANISATION_NOT_FOUND = "organisation_not_found"
IDENTITY_NOT_FOUND = "identity_not_found"
IDENTITY_TAKEN = "identity_taken"
INVALID_IDENTITY = "invalid_identity"
MERGE_INVALID = "merge_invalid"
