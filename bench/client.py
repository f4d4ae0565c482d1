"""A small keep-alive HTTP client over http.client: cookies, form login, and the X-Query-Count header."""

from __future__ import annotations

import http.client
import json
import re
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    ms: float

    @property
    def queries(self) -> int | None:
        value = self.headers.get("x-query-count")
        return int(value) if value is not None else None

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """One keep-alive connection to 127.0.0.1:`port` with its own cookie jar, like one browser tab."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 60.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}
        self._conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._conn

    def request(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        all_headers = {"Host": f"{self.host}:{self.port}", "Connection": "keep-alive", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            conn = self._connection()
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=all_headers)
                raw = conn.getresponse()
                payload = raw.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection: open a new one and send again once.
                self.close()
                if attempt == 2:
                    raise
                continue
            ms = (time.perf_counter() - started) * 1000
            response_headers = {k.lower(): v for k, v in raw.getheaders()}
            for name, value in raw.getheaders():
                if name.lower() == "set-cookie":
                    jar: SimpleCookie = SimpleCookie()
                    jar.load(value)
                    for key, morsel in jar.items():
                        self.cookies[key] = morsel.value
            if raw.will_close:
                self.close()
            return Response(raw.status, response_headers, payload, ms)
        raise AssertionError("unreachable")

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post_form(self, path: str, fields: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
        return self.request(
            "POST",
            path,
            body=urlencode(fields, doseq=True).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        )

    def post_json(self, path: str, data: Any, headers: dict[str, str] | None = None) -> Response:
        headers = {"Content-Type": "application/json", **(headers or {})}
        return self.request("POST", path, body=json.dumps(data).encode(), headers=headers)

    def csrf_token_from(self, path: str) -> str:
        """GET a form page and return its CSRF token (the cookie is kept in the jar)."""
        page = self.get(path)
        match = CSRF_INPUT.search(page.text)
        if page.status != 200 or not match:
            raise RuntimeError(f"GET {path} gave {page.status} without a CSRF form field")
        return match.group(1)

    def login(self, path: str, fields: dict[str, str]) -> None:
        """Sign in through the site's own login form, as a person would; raises if it did not work."""
        token = self.csrf_token_from(path)
        response = self.post_form(
            path,
            {"csrfmiddlewaretoken": token, **fields},
            headers={"Referer": f"http://{self.host}:{self.port}{path}", "Origin": f"http://{self.host}:{self.port}"},
        )
        if response.status not in (301, 302, 303) or "sessionid" not in self.cookies:
            raise RuntimeError(f"login at {path} failed: HTTP {response.status}")
