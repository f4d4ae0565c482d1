"""PostgreSQL search documents carry the message's id bucket (frontdesk/tickets/search/postgres.py): the
trigger functions are replaced and every document is indexed again. Nothing changes on SQLite."""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from frontdesk.tickets.search import postgres

        postgres.install()


class Migration(migrations.Migration):
    dependencies = [("tickets", "0002_search_index")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=False)]
