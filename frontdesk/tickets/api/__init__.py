"""The tickets app's part of the REST API (composed into /api/v1/ by frontdesk.api)."""

from frontdesk.tickets.api.catalog import router as catalog_router
from frontdesk.tickets.api.messages import router as messages_router
from frontdesk.tickets.api.tickets import router as tickets_router

routers = [tickets_router, messages_router, catalog_router]
