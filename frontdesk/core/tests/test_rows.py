"""The prepared INSERT and the hand-written row reader give what the ORM gives."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from frontdesk.contacts.models import Contact, ContactIdentity
from frontdesk.core.db import rows
from frontdesk.testing.factories import BrandFactory, ContactFactory, make_ticket
from frontdesk.tickets.models import TimelineEvent

pytestmark = pytest.mark.django_db


def test_an_inserted_row_reads_back_through_the_orm_as_written():
    # given
    ticket = make_ticket(BrandFactory())
    at = timezone.now() - dt.timedelta(days=3)
    event = TimelineEvent(ticket=ticket, action="changed", field="tags", before=["a"], after={"x": [1, "é"]},
                          created_at=at, actor_label="Robot")
    # when
    saved = rows.insert(event)
    # then
    assert saved.pk is not None and not saved._state.adding
    again = TimelineEvent.objects.get(pk=saved.pk)
    assert (again.before, again.after, again.created_at, again.actor_label) == (["a"], {"x": [1, "é"]}, at, "Robot")


def test_auto_now_fields_are_filled_in_as_create_would():
    # given
    brand = BrandFactory()
    # when
    contact = rows.insert(Contact(brand=brand, name="Ana"))
    # then
    assert contact.created_at is not None and contact.updated_at is not None
    assert Contact.objects.get(pk=contact.pk).created_at == contact.created_at


def test_a_row_read_by_hand_converts_values_like_the_orm():
    # given
    contact = ContactFactory(name="Zoë")
    identity = ContactIdentity.objects.filter(contact=contact).first() or rows.insert(
        ContactIdentity(brand_id=contact.brand_id, contact=contact, kind="email", value="z@example.com",
                        is_primary=True)
    )
    sql = f"SELECT {rows.columns(Contact, 't')} FROM {Contact._meta.db_table} t WHERE t.id = %s"
    # when
    with connection.cursor() as cursor:
        cursor.execute(sql, [contact.pk])
        read = rows.from_row(Contact, cursor.fetchone())
    # then
    orm = Contact.objects.get(pk=contact.pk)
    for field in Contact._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(orm, field.attname), field.name
    assert identity.pk is not None
