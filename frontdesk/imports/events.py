"""Event names published by bulk imports. One event per written batch, never one per ticket: an import must not
set off per-ticket automations (notifications, SLA timers, webhooks) for history that already happened."""

TICKETS_IMPORTED = "tickets.imported"  # {"ticket_ids": [first, last], "count": n, "source": name}
