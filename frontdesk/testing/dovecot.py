"""Debian's Dovecot as a throwaway IMAP server for tests, and the OAuth 2.0 endpoints it checks tokens against.

`make test` installs the `dovecot-imapd` package (as it installs chromium); the server is never started as a
service: each test module runs its own master process in the foreground, with a configuration, mail folders,
sockets and logs in a temporary folder, listening on 127.0.0.1 only. Logins are by password (a passwd-file) and
by XOAUTH2/OAUTHBEARER (Dovecot's oauth2 passdb, which asks the token introspection endpoint served here, as it
would ask Google's or Microsoft's).
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from frontdesk.testing.mail import candidate_ports

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def available() -> bool:
    return os.access(DOVECOT, os.X_OK)


@dataclass
class OAuthServer:
    """A token endpoint (refresh-token grant) and a token introspection endpoint (RFC 7662), in a thread."""

    clients: dict[str, str] = field(default_factory=dict)  # client id -> client secret
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # refresh token -> user name
    access_tokens: dict[str, str] = field(default_factory=dict)  # access token -> user name
    grants: list[dict[str, str]] = field(default_factory=list)  # the token requests received
    port: int = 0
    _server: ThreadingHTTPServer | None = None

    @property
    def token_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/token"

    @property
    def introspection_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/introspect"

    def issue(self, username: str) -> str:
        token = "ya29." + secrets.token_urlsafe(24)
        self.access_tokens[token] = username
        return token

    def start(self) -> OAuthServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                if self.path == "/token":
                    self._answer(*owner._token(form))
                elif self.path == "/introspect":
                    self._answer(*owner._introspect(form))
                else:
                    self._answer(404, {"error": "not_found"})

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        for port in candidate_ports():
            try:
                self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
            except OSError:
                continue
            self.port = port
            break
        assert self._server is not None, "no free port for the OAuth server"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.grants.append(form)
        if form.get("grant_type") != "refresh_token":
            return 400, {"error": "unsupported_grant_type"}
        if self.clients.get(form.get("client_id", "")) != form.get("client_secret"):
            return 401, {"error": "invalid_client", "error_description": "Unknown client or wrong secret."}
        user = self.refresh_tokens.get(form.get("refresh_token", ""))
        if user is None:
            return 400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
        return 200, {"access_token": self.issue(user), "token_type": "Bearer", "expires_in": 3599}

    def _introspect(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        user = self.access_tokens.get(form.get("token", ""))
        if user is None:
            return 200, {"active": "false"}
        return 200, {"active": "true", "username": user}


CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
listen = 127.0.0.1
protocols = imap
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
auth_failure_delay = 0
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{root}/mail/%u
mail_uid = {uid}
mail_gid = {gid}
mailbox_list_index = no
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
  chroot =
}}
service anvil {{
  chroot =
  # No growing delay after failed logins (Dovecot's documented way to turn the auth penalty off).
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
  mechanisms = plain login
}}
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/oauth2.conf
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
"""

OAUTH2_CONFIG = """\
introspection_mode = post
introspection_url = {url}
username_attribute = username
active_attribute = active
active_value = true
"""


class Dovecot:
    """One Dovecot master process for a test module."""

    def __init__(self, users: dict[str, str], oauth: OAuthServer, *, certificate: tuple[str, str] | None = None):
        self.users = users
        self.oauth = oauth
        self.certificate = certificate  # (cert, key) PEM files: STARTTLS on `port`, implicit TLS on `tls_port`
        self.root = Path(tempfile.mkdtemp(prefix="frontdesk-dovecot-"))
        self.port = 0
        self.tls_port = 0
        self.process: subprocess.Popen[bytes] | None = None

    def _accounts(self) -> dict[str, Any]:
        me = pwd.getpwuid(os.getuid())
        if os.getuid() != 0:
            # Unprivileged: every Dovecot process and the mail run as whoever runs the tests.
            group = grp.getgrgid(os.getgid()).gr_name
            return {"login_user": me.pw_name, "internal_user": me.pw_name, "internal_group": group,
                    "uid": os.getuid(), "gid": os.getgid()}
        # As root (CI): Dovecot drops to its own users, as the Debian package sets them up; mail belongs to it.
        dovecot = pwd.getpwnam("dovecot")
        return {"login_user": "dovenull", "internal_user": "dovecot", "internal_group": "dovecot",
                "uid": dovecot.pw_uid, "gid": dovecot.pw_gid}

    def start(self, timeout: float = 15.0) -> Dovecot:
        accounts = self._accounts()
        os.chmod(self.root, 0o755)
        (self.root / "mail").mkdir()
        os.chown(self.root / "mail", accounts["uid"], accounts["gid"])
        (self.root / "passwd").write_text("".join(f"{u}:{{PLAIN}}{p}::::::\n" for u, p in self.users.items()))
        (self.root / "oauth2.conf").write_text(OAUTH2_CONFIG.format(url=self.oauth.introspection_url))
        ssl = "ssl = no"
        if self.certificate:
            for path in self.certificate:
                os.chmod(path, 0o644)
            ssl = f"ssl = yes\nssl_cert = <{self.certificate[0]}\nssl_key = <{self.certificate[1]}"
        ports = candidate_ports()
        for port, tls_port in list(zip(ports[::2], ports[1::2], strict=False))[:20]:
            tls_port = tls_port if self.certificate else 0
            config = CONFIG.format(root=self.root, port=port, tls_port=tls_port, ssl=ssl, **accounts)
            (self.root / "dovecot.conf").write_text(config)
            self.process = subprocess.Popen(
                [DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )
            if self._wait_listening(port, timeout):
                self.port, self.tls_port = port, tls_port
                return self
            self.stop()
        raise RuntimeError(f"dovecot did not start: {self.log()}")

    def _wait_listening(self, port: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                return False  # it exited: the port was taken or the configuration refused
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as probe:
                    if probe.recv(100).startswith(b"* OK"):
                        return True
            except OSError:
                time.sleep(0.05)
        return False

    def log(self) -> str:
        stderr = b""
        if self.process is not None and self.process.stderr is not None and self.process.poll() is not None:
            stderr = self.process.stderr.read()
        log = self.root / "dovecot.log"
        return stderr.decode(errors="replace") + (log.read_text(errors="replace") if log.exists() else "")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
