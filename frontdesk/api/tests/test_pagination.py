"""Keyset cursors: strictly after the last row in any sort direction, and refused when forged or foreign."""

from __future__ import annotations

import pytest
from django.core import signing

from frontdesk.api.errors import InvalidCursor
from frontdesk.api.pagination import SALT, paginate
from frontdesk.tickets.models import Tag

pytestmark = pytest.mark.django_db


def walk(qs, limit):  # type: ignore[no-untyped-def]
    seen, cursor = [], None
    while True:
        rows, cursor = paginate(qs, kind="tags", cursor=cursor, limit=limit)
        seen += [r.pk for r in rows]
        if cursor is None:
            return seen


@pytest.mark.parametrize("order", [("name",), ("-name",), ("color", "-name"), ("-color", "name")])
def test_pages_follow_any_order_and_break_ties_by_id(order):
    # given tags with repeated colours and names in no particular order
    for i, name in enumerate(["d", "a", "c", "b", "e", "f", "g"]):
        Tag.objects.create(name=name, color="#000000" if i % 2 else "#ffffff")
    qs = Tag.objects.order_by(*order)
    # when
    paged = walk(qs, limit=2)
    # then
    assert paged == list(qs.order_by(*order, "id").values_list("id", flat=True))


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        signing.dumps({"k": "tags|name,id", "v": [{"x": 1}, 1]}, salt=SALT),
        signing.dumps({"k": "tags|name,id", "v": ["a"]}, salt=SALT),
        signing.dumps(["not", "a", "dict"], salt=SALT),
        signing.dumps({"k": "tags|name,id", "v": ["a", 1]}, salt="another-salt"),
    ],
    ids=["garbage", "unknown-value", "too-few-values", "not-an-object", "other-salt"],
)
def test_forged_or_malformed_cursors_are_refused(cursor):
    # given
    Tag.objects.create(name="a")
    # when / then
    with pytest.raises(InvalidCursor):
        paginate(Tag.objects.order_by("name"), kind="tags", cursor=cursor, limit=10)


def test_a_cursor_is_tied_to_its_list_and_order():
    # given
    for name in "abc":
        Tag.objects.create(name=name)
    _, cursor = paginate(Tag.objects.order_by("name"), kind="tags", cursor=None, limit=1)
    # when / then
    with pytest.raises(InvalidCursor):
        paginate(Tag.objects.order_by("-name"), kind="tags", cursor=cursor, limit=1)
    with pytest.raises(InvalidCursor):
        paginate(Tag.objects.order_by("name"), kind="contacts", cursor=cursor, limit=1)
