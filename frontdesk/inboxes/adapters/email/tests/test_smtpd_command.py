"""`frontdesk smtpd` and its place in `frontdesk serve`."""

from __future__ import annotations

import socket

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from frontdesk.core.management.commands.serve import Command as Serve
from frontdesk.testing.mail import candidate_ports


def test_a_port_in_use_is_reported_plainly():
    # Given a port somebody else listens on
    with socket.socket() as taken:
        for port in candidate_ports():
            try:
                taken.bind(("127.0.0.1", port))
                break
            except OSError:
                continue
        taken.listen()

        # When the listener is started on it, then the command says so instead of a traceback
        with pytest.raises(CommandError, match=f"cannot listen on 127.0.0.1:{port}"):
            call_command("smtpd", "--host", "127.0.0.1", "--port", str(port))


def test_serve_runs_the_listener_unless_told_not_to():
    parser = Serve().create_parser("frontdesk", "serve")

    assert parser.parse_args([]).no_smtp is False
    assert parser.parse_args(["--no-smtp"]).no_smtp is True
