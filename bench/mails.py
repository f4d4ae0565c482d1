"""Realistic inbound mails for the email benchmark, made deterministically from a seed.

Each mail is what a mail client sends: multipart/alternative (text and HTML), a quoted history below the reply
for follow-ups (Gmail, Outlook or Apple style, with In-Reply-To/References to the earlier mail), a signature,
and one mail in ten carries a small attachment (a ~20 KB PDF-like file). Senders come back, so some mails
thread onto earlier tickets and some open new ones.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

OPENINGS = [
    "Hello, my order has not arrived yet and the tracking page has not changed since Monday.",
    "Hi team, I was charged twice for the same subscription this month, can you refund one of them?",
    "Good morning, the app logs me out every time I switch to another screen on my phone.",
    "Bonjour, je n'arrive pas à télécharger ma facture depuis mon espace client.",
    "Hallo, die Lieferung war beschädigt: der Karton war nass und zwei Gläser waren zerbrochen.",
    "Hola, necesito cambiar la dirección de envío de mi pedido antes de que salga.",
]
FOLLOW_UPS = [
    "Thanks for the quick answer. I checked again this morning and it is still the same.",
    "I tried what you suggested but the problem is back after a restart.",
    "Here is the screenshot you asked for. Let me know if you need anything else.",
    "Merci, c'est réglé de mon côté. Vous pouvez fermer la demande.",
]
QUOTE_STYLES = ("gmail", "outlook", "apple")


def _quoted(style: str, when: datetime, who: str, text: str) -> str:
    lines = text.splitlines() or [""]
    if style == "gmail":
        return f"On {format_datetime(when)}, {who} wrote:\n" + "\n".join(f"> {line}" for line in lines)
    if style == "outlook":
        return (f"-----Original Message-----\nFrom: {who}\nSent: {format_datetime(when)}\n"
                f"To: support@bench.test\nSubject: Re: your request\n\n{text}")
    return f"On {when:%d %b %Y}, at {when:%H:%M}, {who} wrote:\n\n" + "\n".join(f"> {line}" for line in lines)


def _html(text: str) -> str:
    paragraphs = "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in text.split("\n\n"))
    return f"<html><body><div dir=\"ltr\">{paragraphs}</div></body></html>"


class MailMaker:
    """Makes mail number 0, 1, 2, … for `to` (the support address); the same seed gives the same mails."""

    def __init__(self, to: str, seed: int = 7, senders: int = 500) -> None:
        self.to = to
        self.seed = seed
        self.rng = random.Random(seed)
        self.senders = senders
        self.last_id: dict[int, str] = {}  # sender -> Message-ID of their last mail
        self.start = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
        self.attachment = bytes(self.rng.getrandbits(8) for _ in range(20_000))

    def make(self, n: int) -> bytes:
        rng = self.rng
        who = rng.randrange(self.senders)
        address = f"customer{who}@example.net"
        when = self.start + timedelta(minutes=n)
        msg = EmailMessage()
        msg["From"] = f"Customer {who} <{address}>"
        msg["To"] = self.to
        msg["Date"] = format_datetime(when)
        msg["Message-ID"] = f"<bench.{self.seed}.{n}@mail.example.net>"
        earlier = self.last_id.get(who)
        if earlier and rng.random() < 0.6:
            text = rng.choice(FOLLOW_UPS)
            msg["Subject"] = "Re: " + rng.choice(OPENINGS)[:40]
            msg["In-Reply-To"] = earlier
            msg["References"] = earlier
            body = f"{text}\n\nBest regards,\nCustomer {who}\n\n" + _quoted(
                rng.choice(QUOTE_STYLES), when - timedelta(hours=2), "Support <support@bench.test>",
                rng.choice(OPENINGS) + "\n\nWe are looking into it.")
        else:
            text = rng.choice(OPENINGS)
            msg["Subject"] = text[:60]
            order = rng.randrange(10_000, 99_999)
            body = f"{text}\n\nOrder {order}.\n\nThanks,\nCustomer {who}\n-- \nSent from my phone"
        self.last_id[who] = msg["Message-ID"]
        msg.set_content(body)
        msg.add_alternative(_html(body), subtype="html")
        if n % 10 == 9:
            msg.add_attachment(self.attachment, maintype="application", subtype="pdf", filename=f"invoice-{n}.pdf")
        return msg.as_bytes(policy=SMTP)  # CRLF line ends, as a mail client sends them
