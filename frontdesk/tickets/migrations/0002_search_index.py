"""The keyword search index (frontdesk/tickets/search/, docs/architecture/search.md).

SQLite: an external-content FTS5 table over each message body and its ticket's subject, kept exact by triggers.
PostgreSQL: a side table of tsvectors with a GIN index, kept exact by triggers; accents are folded with the
`unaccent` extension when the server has it. Other databases get nothing (search falls back to a scan).
The statements live with the backends because `post_migrate` repairs the index whenever a later migration
rebuilds a table and so drops its triggers (SQLite does that for many column changes).
"""

from django.db import migrations


def _backend(vendor):
    if vendor == "sqlite":
        from frontdesk.tickets.search import sqlite

        return sqlite
    if vendor == "postgresql":
        from frontdesk.tickets.search import postgres

        return postgres
    return None


def forward(apps, schema_editor):
    backend = _backend(schema_editor.connection.vendor)
    if backend is not None:
        backend.install()


def backward(apps, schema_editor):
    backend = _backend(schema_editor.connection.vendor)
    if backend is not None:
        backend.uninstall()


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
