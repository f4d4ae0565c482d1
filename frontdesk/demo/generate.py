"""A realistic synthetic help-desk history in the import format (docs/operations/import.md), the same for a seed.

Used by `frontdesk demo` and by the benchmarks. Pure standard library, no Django, so it also runs on its own:

    python -m frontdesk.demo.generate --tickets 100000 --messages 10 --seed 42 > tickets.jsonl

Conversations are drawn from customer-service topics (orders and shipping, refunds and returns, login
problems, billing, product questions, technical issues), about one ticket in eight is in German, French,
Spanish, Dutch or Portuguese, email customers sometimes quote the previous reply, and statuses follow the
conversation (a ticket whose last word is a reply is pending or solved, older ones are closed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from frontdesk.demo import content
from frontdesk.demo.content import Language, Topic
from frontdesk.demo.roster import DEMO_ROSTER, Roster

CHANNEL_WEIGHTS = {"email": 45, "livechat": 20, "web_form": 12, "whatsapp": 8, "phone": 8, "api": 7}
CHAT_CHANNELS = {"livechat", "whatsapp"}
DEFAULT_END = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Spec:
    """What to generate. `messages` fixes the messages per ticket; None draws 1 to 8, most tickets short."""

    tickets: int
    messages: int | None = None
    contacts: int = 200
    days: int = 90
    end: dt.datetime = DEFAULT_END
    seed: int = 42
    roster: Roster = DEMO_ROSTER
    numbered: bool = False  # write explicit ticket numbers 1..N
    every_contact: bool = True  # give every generated customer at least one ticket (when tickets >= contacts)


@dataclass(frozen=True)
class Person:
    brand: str
    email: str
    name: str
    first_name: str
    organisation: str
    language: Language | None


def _people(spec: Spec, rng: random.Random) -> dict[str, list[Person]]:
    brands = [b.slug for b in spec.roster.brands]
    # The first brand is the bigger business: three quarters of the customers.
    shares = [0.75] + [0.25 / max(1, len(brands) - 1)] * (len(brands) - 1)
    people: dict[str, list[Person]] = {b: [] for b in brands}
    languages = list(content.LANGUAGES)
    seen: set[str] = set()
    for n in range(max(1, spec.contacts)):
        brand = rng.choices(brands, weights=shares)[0] if n >= len(brands) else brands[n]
        first, last = rng.choice(content.FIRST_NAMES), rng.choice(content.LAST_NAMES)
        company, domain = ("", rng.choice(content.PERSONAL_DOMAINS))
        if rng.random() < 0.6:
            company, domain = rng.choice(content.COMPANIES)
        local = _ascii(f"{first}.{last}").lower().replace(" ", "").replace("'", "")
        email = f"{local}@{domain}"
        if email in seen:
            email = f"{local}{n}@{domain}"
        seen.add(email)
        language = rng.choices([None, *languages], weights=[88, *content.LANGUAGE_WEIGHTS])[0]
        people[brand].append(Person(brand, email, f"{first} {last}", first, company, language))
    return people


def _ascii(text: str) -> str:
    """An address-safe spelling of a name: accents dropped ("Zoë Weiß" -> "Zoe Weiss")."""
    text = text.replace("ß", "ss").replace("ø", "o").replace("Ø", "O").replace("æ", "ae")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _pick_person(pool: list[Person], rng: random.Random) -> Person:
    # Some customers write much more often than others: the first few of each brand get a large share.
    if rng.random() < 0.3:
        return pool[min(len(pool) - 1, int(rng.paretovariate(1.2)) - 1)]
    return pool[rng.randrange(len(pool))]


def _placeholders(rng: random.Random, spec: Spec, person: Person, created: dt.datetime) -> dict[str, Any]:
    return {
        "order": f"#{rng.randint(100000, 999999)}",
        "product": rng.choice(spec.roster.products or content.DEVICES),
        "tracking": f"1Z{rng.randint(10**9, 10**10 - 1)}{rng.choice('ABCDEFGH')}{rng.randint(10, 99)}",
        "amount": f"€{rng.randint(9, 499)}.{rng.choice(('00', '49', '90', '99'))}",
        "invoice": f"INV-{created.year}-{rng.randint(1000, 9999)}",
        "card": f"{rng.randint(0, 9999):04d}",
        "days": rng.randint(2, 14),
        "plan": rng.choice(content.PLANS),
        "device": rng.choice(content.DEVICES),
        "city": rng.choice(content.CITIES),
        "date": (created - dt.timedelta(days=rng.randint(1, 20))).strftime("%d %B"),
        "error": rng.choice(content.ERRORS),
        "name": person.first_name,
        "last_name": person.name.split(" ", 1)[-1],
        "company": person.organisation,
        "phone": f"+{rng.choice((31, 33, 34, 44, 49, 351))} {rng.randint(10, 99)} {rng.randint(1000000, 9999999)}",
        "years": rng.randint(2, 9),
        "agent": "",
        "brand": person.brand.title(),
    }


def _kinds(count: int, rng: random.Random) -> list[str]:
    kinds = ["customer"]
    while len(kinds) < count:
        previous = kinds[-1]
        if previous == "customer":
            kinds.append("note" if rng.random() < 0.15 else "reply")
        elif previous == "note":
            kinds.append("reply")
        else:
            kinds.append("customer" if rng.random() < 0.85 else "note")
    return kinds


def _message_count(spec: Spec, rng: random.Random) -> int:
    if spec.messages is not None:
        return max(1, spec.messages)
    return rng.choices(range(1, 9), weights=(12, 22, 20, 16, 12, 8, 6, 4))[0]


def _times(created: dt.datetime, count: int, chat: bool, end: dt.datetime, rng: random.Random) -> list[dt.datetime]:
    offsets = [0.0]
    for _ in range(count - 1):
        seconds = rng.uniform(30, 900) if chat else rng.choice((rng.uniform(300, 7200), rng.uniform(3600, 172800)))
        offsets.append(offsets[-1] + seconds)
    room = (end - created).total_seconds()
    if offsets[-1] > room > 0:
        # A conversation that would run into the future is squeezed into part of the time left (not all of it:
        # recent tickets would otherwise all end at the same instant).
        scale = room * rng.uniform(0.3, 0.95) / offsets[-1]
        offsets = [o * scale for o in offsets]
    return [created + dt.timedelta(seconds=o) for o in offsets]


def _status(kinds: list[str], last_at: dt.datetime, end: dt.datetime, assigned: bool, rng: random.Random) -> str:
    """Where the conversation stands, as it would after `last_at`: old conversations are mostly finished."""
    age_days = (end - last_at).total_seconds() / 86400
    last = kinds[-1]
    if last == "customer":
        if age_days > 7:  # the customer's last word was a thank-you, or it went quiet
            return rng.choices(("closed", "solved", "open"), weights=(50, 35, 15))[0]
        if len(kinds) == 1 and not assigned:
            return "new"
        return "open" if rng.random() < 0.93 else "on_hold"
    if last == "note":
        if age_days > 7:
            return rng.choices(("solved", "closed", "on_hold"), weights=(60, 20, 20))[0]
        return "open" if rng.random() < 0.6 else "on_hold"
    if age_days > 14:
        return "closed" if rng.random() < 0.6 else "solved"
    if age_days > 3:
        return "solved" if rng.random() < 0.7 else "pending"
    return "pending" if rng.random() < 0.6 else "solved"


class _Writer:
    """Builds one ticket's messages in the customer's language, around one case of the topic."""

    def __init__(self, rng: random.Random, topic: Topic, language: Language | None, values: dict[str, Any]):
        self.rng, self.topic, self.language, self.values = rng, topic, language, values
        self.case = rng.randrange(len(language.openings) if language else len(topic.cases))
        self.replied = False

    def fill(self, template: str) -> str:
        return template.format_map(self.values)

    def subject(self) -> str:
        if self.language:
            return self.fill(self.language.subjects[self.case])
        return self.fill(self.rng.choice(self.topic.cases[self.case].subjects))

    def customer(self, first: bool, chat: bool, quote: str) -> str:
        lang, rng = self.language, self.rng
        if lang:
            body = self.fill(lang.openings[self.case] if first else rng.choice(lang.follow_ups))
            greeting, sign_off = lang.greeting, lang.sign_off
        else:
            body = self.fill(self.topic.cases[self.case].opening if first else rng.choice(self.topic.follow_ups))
            for detail in rng.sample(content.CUSTOMER_DETAILS, rng.choice((1, 2)) if first else rng.choice((0, 1))):
                body += " " + self.fill(detail)
            if not first and rng.random() < 0.2:
                body += " " + rng.choice(content.THANKS)
            greeting, sign_off = rng.choice(content.GREETINGS), rng.choice(content.SIGN_OFFS)
        if chat:
            return body
        text = f"{greeting}\n\n{body}\n\n{sign_off}\n{self.values['name']}"
        if self.values["company"] and rng.random() < 0.5:
            text += f" {self.values['last_name']}\n{self.values['company']}\nPhone: {self.values['phone']}"
        if quote:
            text += "\n\n" + quote
        return text

    def reply(self, chat: bool) -> str:
        lang, rng = self.language, self.rng
        first, self.replied = not self.replied, True
        if lang:
            body = self.fill(lang.replies[self.case] if first else rng.choice(lang.replies))
            greeting, sign_off = self.fill(lang.agent_greeting), lang.agent_sign_off
        else:
            body = self.fill(self.topic.cases[self.case].reply if first else rng.choice(self.topic.replies))
            if rng.random() < 0.8:
                body += "\n\n" + rng.choice(content.AGENT_CLOSINGS)
            greeting, sign_off = self.fill(rng.choice(content.AGENT_GREETINGS)), rng.choice(content.AGENT_SIGN_OFFS)
        if chat:
            return f"{greeting} {body}"
        signature = f"{self.values['agent']}\n{self.values['brand']} Support | help.{self.values['brand'].lower()}.test"
        return f"{greeting}\n\n{body}\n\n{sign_off}\n{signature}"

    def note(self) -> str:
        return self.fill(self.rng.choice(self.topic.notes))


def _quote(text: str, when: dt.datetime, agent: str, address: str) -> str:
    header = f"On {when:%a, %d %b %Y at %H:%M}, {agent} <{address}> wrote:"
    return header + "\n" + "\n".join("> " + line if line else ">" for line in text.splitlines())


def _requester(person: Person) -> dict[str, str]:
    requester = {"email": person.email, "name": person.name}
    if person.organisation:
        requester["organisation"] = person.organisation
    if person.language:
        requester["language"] = person.language.code
    return requester


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def generate(spec: Spec) -> Iterator[dict[str, Any]]:
    """Ticket records in the import format, oldest first; the same spec always gives the same records."""
    rng = random.Random(spec.seed)
    roster = spec.roster
    people = _people(spec, rng)
    brands = [b.slug for b in roster.brands if people[b.slug]]
    brand_weights = [len(people[b]) for b in brands]
    support = {b.slug: b.support_email for b in roster.brands}
    start = spec.end - dt.timedelta(days=spec.days)
    span = (spec.end - start).total_seconds()
    created_offsets = sorted(rng.random() ** 0.8 * span for _ in range(spec.tickets))
    everyone = [p for b in brands for p in people[b]]
    for index, offset in enumerate(created_offsets):
        if spec.every_contact and index < len(everyone):
            # Every customer has at least one ticket, so the contact count is exactly spec.contacts.
            person = everyone[(index * 7919) % len(everyone)] if len(everyone) % 7919 else everyone[index]
            brand = person.brand
        else:
            brand = rng.choices(brands, weights=brand_weights)[0]
            person = _pick_person(people[brand], rng)
        topic = rng.choices(content.TOPICS, weights=content.TOPIC_WEIGHTS)[0]
        channels = roster.channels_for(brand) or ["email"]
        channel = rng.choices(channels, weights=[CHANNEL_WEIGHTS.get(c, 5) for c in channels])[0]
        chat = channel in CHAT_CHANNELS
        created = start + dt.timedelta(seconds=offset)
        values = _placeholders(rng, spec, person, created)
        kinds = _kinds(_message_count(spec, rng), rng)
        times = _times(created, len(kinds), chat, spec.end, rng)
        teams = roster.teams_for(brand)
        team = topic.team if topic.team in teams else (rng.choice(teams) if teams and rng.random() < 0.4 else "")
        agents = roster.agents_for(brand)
        in_team = [a for a in agents if (brand, team) in a.teams] if team else []
        assigned = len(kinds) > 1 or rng.random() < 0.4
        assignee = rng.choice(in_team or agents) if agents and assigned else None
        writer = _Writer(rng, topic, person.language, values)
        values["agent"] = assignee.name.split()[0] if assignee else "The team"
        messages: list[dict[str, Any]] = []
        last_reply = ""
        for kind, when in zip(kinds, times, strict=True):
            message: dict[str, Any] = {"kind": kind, "created_at": _iso(when)}
            if kind == "customer":
                quote = ""
                if last_reply and channel == "email" and rng.random() < 0.5 and assignee:
                    quote = _quote(last_reply, when - dt.timedelta(hours=1), assignee.name, support[brand])
                text = writer.customer(first=not messages, chat=chat, quote=quote)
                message["author"] = person.email
                if channel == "email" and rng.random() < 0.1:
                    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
                    message["html"] = f"<div dir=\"ltr\">{paragraphs}</div>"
                else:
                    message["text"] = text
            else:
                author = assignee or rng.choice(agents)
                message["author"] = author.email
                text = writer.reply(chat) if kind == "reply" else writer.note()
                if kind == "reply":
                    last_reply = text
                message["text"] = text
            messages.append(message)
        status = _status(kinds, times[-1], spec.end, assignee is not None, rng)
        tags = list(dict.fromkeys(rng.sample(topic.tags, rng.randint(0, min(2, len(topic.tags))))))
        if person.organisation and rng.random() < 0.1:
            tags.append("vip")
        if rng.random() < 0.1:
            tags.append(rng.choice(content.EXTRA_TAGS))
        custom: dict[str, Any] = {}
        if topic.order_field:
            custom["order_number"] = values["order"].lstrip("#")
        if topic.key in ("product", "refund") and roster.products:
            custom["product"] = values["product"]
        record: dict[str, Any] = {
            "brand": brand,
            "subject": writer.subject(),
            "status": status,
            "priority": rng.choices(("low", "normal", "high", "urgent"), weights=topic.priority_weights)[0],
            "type": topic.ticket_type,
            "channel": channel,
            "requester": _requester(person),
            "assignee": assignee.email if assignee else None,
            "team": team or None,
            "tags": list(dict.fromkeys(tags)),
            "custom_fields": custom,
            "created_at": _iso(created),
            "messages": messages,
        }
        if spec.numbered:
            record = {"number": index + 1, **record}
        yield record


def write_jsonl(records: Iterator[dict[str, Any]], out: IO[str]) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        out.write("\n")
        count += 1
    return count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m frontdesk.demo.generate",
        description="Write a synthetic help-desk history as JSON Lines (one ticket per line).",
    )
    parser.add_argument("--tickets", type=int, default=2000, help="number of tickets (default 2000)")
    parser.add_argument("--messages", type=int, default=None, help="messages per ticket (default: 1 to 8)")
    parser.add_argument("--contacts", type=int, default=200, help="number of distinct customers (default 200)")
    parser.add_argument("--days", type=int, default=90, help="time span in days (default 90)")
    parser.add_argument("--end", default=DEFAULT_END.isoformat(), help="latest time, ISO 8601 (default 2026-01-01)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--numbered", action="store_true", help="write ticket numbers 1..N")
    parser.add_argument("--out", "-o", default="-", help="output file (default: standard output)")
    args = parser.parse_args(argv)
    end = dt.datetime.fromisoformat(args.end)
    if end.tzinfo is None:
        end = end.replace(tzinfo=dt.UTC)
    spec = Spec(
        tickets=args.tickets,
        messages=args.messages,
        contacts=args.contacts,
        days=args.days,
        end=end,
        seed=args.seed,
        numbered=args.numbered,
    )
    if args.out == "-":
        count = write_jsonl(generate(spec), sys.stdout)
    else:
        with open(args.out, "w", encoding="utf-8") as out:
            count = write_jsonl(generate(spec), out)
    print(f"wrote {count} tickets", file=sys.stderr)


if __name__ == "__main__":
    main()
