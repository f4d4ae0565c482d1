"""Event names published by the tickets domain. Payloads carry ids, never whole objects."""

TICKET_CREATED = "ticket.created"
TICKET_UPDATED = "ticket.updated"
MESSAGE_CREATED = "message.created"
REPLY_QUEUED = "message.reply_queued"
DELIVERY_UPDATED = "message.delivery_updated"  # an outbound message was sent, failed or bounced
