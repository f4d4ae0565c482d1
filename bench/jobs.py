"""The requests the creation workload sends, one class per way of creating a ticket (picklable)."""

from __future__ import annotations

from dataclasses import dataclass

from bench.client import Client, Response

BODY = (
    "Hello, since this morning I cannot sign in to my account: the page says my password is wrong, but I "
    "reset it twice and the reset link works. I use the mobile app and the website. Order 4711 is waiting "
    "and I need the invoice today. Could you look at it? Thank you."
)


def subject(seq: int) -> str:
    return f"Cannot sign in after the update ({seq})"


def requester(seq: int) -> tuple[str, str]:
    n = seq % 2000  # some customers write more than once
    return f"customer{n}@example.com", f"Customer {n}"


@dataclass
class FrontdeskApiCreate:
    """POST /api/v1/tickets with a bearer token (one token per client process)."""

    tokens: list[str]
    path: str = "/api/v1/tickets"

    def setup(self, client: Client) -> None:
        pass

    def send(self, client: Client, seq: int) -> Response:
        email, name = requester(seq)
        token = self.tokens[(seq // 1_000_000_000) % len(self.tokens)]
        return client.post_json(
            self.path,
            {"subject": subject(seq), "text": BODY, "requester": {"email": email, "name": name}},
            headers={"Authorization": f"Bearer {token}"},
        )

    def ok(self, response: Response) -> bool:
        return response.status == 201


@dataclass
class PeerApiCreate:
    """django-helpdesk's REST API: POST /api/tickets/ with DRF token authentication."""

    token: str
    queue_id: int

    def setup(self, client: Client) -> None:
        pass

    def send(self, client: Client, seq: int) -> Response:
        email, _name = requester(seq)
        return client.post_json(
            "/api/tickets/",
            {"queue": self.queue_id, "title": subject(seq), "description": BODY, "submitter_email": email,
             "priority": 3},
            headers={"Authorization": f"Token {self.token}"},
        )

    def ok(self, response: Response) -> bool:
        return response.status == 201


@dataclass
class PeerFormCreate:
    """django-helpdesk's public submission form: POST /tickets/submit/ (the redirect is not followed)."""

    queue_id: int
    csrf: str = ""

    def setup(self, client: Client) -> None:
        self.csrf = client.csrf_token_from("/tickets/submit/")

    def send(self, client: Client, seq: int) -> Response:
        email, _name = requester(seq)
        return client.post_form(
            "/tickets/submit/",
            {"csrfmiddlewaretoken": self.csrf, "queue": self.queue_id, "title": subject(seq), "body": BODY,
             "priority": 3, "submitter_email": email},
        )

    def ok(self, response: Response) -> bool:
        return response.status == 302
