"""Resolving ids named in a request body: an unknown or invisible id there is a 422 on that field, not a 404."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from frontdesk.accounts import queries as account_queries
from frontdesk.accounts.models import Agent
from frontdesk.core.errors import NotFound, ValidationFailed
from frontdesk.core.models import Brand

T = TypeVar("T")


def referenced(field: str, fetch: Callable[[Agent, int], T], actor: Agent, record_id: int) -> T:
    try:
        return fetch(actor, record_id)
    except NotFound as exc:
        raise ValidationFailed(exc.message, code=exc.code, details={"field": field}) from None


def referenced_many(field: str, fetch: Callable[[Agent, int], T], actor: Agent, ids: Iterable[int]) -> list[T]:
    return [referenced(field, fetch, actor, record_id) for record_id in dict.fromkeys(ids)]


def brand_for(actor: Agent, brand_id: int | None, *, fallback: Brand | None = None) -> Brand:
    """The brand named by id, else `fallback` (e.g. the inbox's), else the actor's only brand."""
    if brand_id is not None:
        return referenced("brand_id", account_queries.get_brand, actor, brand_id)
    if fallback is not None:
        return fallback
    return account_queries.only_brand(actor)
