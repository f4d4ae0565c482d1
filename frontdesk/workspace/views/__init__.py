"""Workspace pages, one module per page family (inbox, tickets, contacts, sign-in)."""
