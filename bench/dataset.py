"""The benchmark dataset as the peer loads it: the ticket records of frontdesk's import format (JSON Lines).

The file is made by frontdesk's own generator (`python -m frontdesk.demo.generate --numbered`) and imported
into frontdesk by its import command; `read()` turns the same lines into `Record`s that bench/peer/load.py
writes into django-helpdesk's models. Pure standard library: it runs under both interpreters.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_TAG = re.compile(r"<[^>]+>")


@dataclass
class Message:
    body: str
    created_at: str
    by_agent: bool
    internal: bool
    author_email: str = ""


@dataclass
class Record:
    number: int
    subject: str
    status: str
    priority: str
    queue: str  # the brand: django-helpdesk's nearest thing is a queue
    requester_email: str
    requester_name: str
    created_at: str
    assignee_email: str = ""
    messages: list[Message] = field(default_factory=list)


def _email(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("email", ""))
    return str(value or "")


def _body(message: dict[str, Any]) -> str:
    if message.get("text"):
        return str(message["text"])
    # An HTML-only message: the peer stores plain text, so keep the words.
    return html.unescape(_TAG.sub(" ", str(message.get("html", "")))).strip()


def parse(line: dict[str, Any], number: int) -> Record:
    requester = line.get("requester") or {}
    return Record(
        number=int(line.get("number") or number),
        subject=str(line.get("subject", "")),
        status=str(line.get("status", "open")),
        priority=str(line.get("priority", "normal")),
        queue=str(line.get("brand") or "support"),
        requester_email=_email(requester),
        requester_name=str(requester.get("name", "")) if isinstance(requester, dict) else "",
        created_at=str(line["created_at"]),
        assignee_email=_email(line.get("assignee")),
        messages=[
            Message(
                body=_body(m),
                created_at=str(m["created_at"]),
                by_agent=m.get("kind") in ("reply", "note"),
                internal=m.get("kind") == "note",
                author_email=_email(m.get("author")),
            )
            for m in line.get("messages", [])
        ],
    )


def read(path: str | Path) -> Iterator[Record]:
    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            if raw.strip():
                yield parse(json.loads(raw), number)
