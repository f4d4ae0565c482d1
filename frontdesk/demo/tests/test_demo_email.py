"""The demo's email inboxes: one per brand at its support address, acknowledging new tickets, set up once."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from frontdesk.demo.roster import DEMO_ROSTER
from frontdesk.demo.services import ensure_roster
from frontdesk.inboxes.choices import ChannelKind
from frontdesk.inboxes.models import Inbox

pytestmark = pytest.mark.django_db


def test_each_demo_brand_has_an_email_inbox_at_its_support_address_with_the_acknowledgement_on():
    # when
    ensure_roster()
    # then
    for brand in DEMO_ROSTER.brands:
        inbox = Inbox.objects.get(brand__slug=brand.slug, channel_kind=ChannelKind.EMAIL)
        assert inbox.address == brand.support_email
        assert inbox.settings["auto_ack"]["enabled"] is True
        assert "{ticket_number}" in inbox.settings["auto_ack"]["body"]
        assert inbox.settings["from_name"] == f"{brand.name} Support"
    assert {i.address for i in Inbox.objects.filter(channel_kind=ChannelKind.EMAIL)} == {
        "support@demo.test", "support@acme.test"
    }


def test_running_it_again_changes_nothing_and_keeps_what_an_admin_changed():
    # given
    ensure_roster()
    inbox = Inbox.objects.get(address="support@acme.test")
    inbox.settings = {**inbox.settings, "auto_ack": {"enabled": False}, "reopen_days": 3}
    inbox.save(update_fields=["settings"])
    # when
    ensure_roster()
    # then
    inbox.refresh_from_db()
    assert inbox.settings["auto_ack"] == {"enabled": False} and inbox.settings["reopen_days"] == 3
    assert Inbox.objects.filter(channel_kind=ChannelKind.EMAIL).count() == 2


def test_the_demo_command_says_where_to_send_mail_and_where_replies_go(settings):
    # given
    settings.DEMO = True
    out = io.StringIO()
    # when
    call_command("demo", "--roster-only", stdout=out)
    # then
    text = out.getvalue()
    assert "support@demo.test or support@acme.test" in text and "127.0.0.1:2525" in text
    assert "smtplib.SMTP('127.0.0.1', 2525)" in text
    assert "written to" in text and "outbox" in text


def test_in_demo_mode_mail_is_written_to_files_and_never_sent(tmp_path):
    # given: a fresh process with the demo switch, as `make demo` starts it
    env = {**os.environ, "FRONTDESK_DEMO": "1", "FRONTDESK_DATA_DIR": str(tmp_path),
           "FRONTDESK_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
           "DJANGO_SETTINGS_MODULE": "frontdesk.config.settings"}
    env.pop("FRONTDESK_EMAIL_FILE_PATH", None)
    code = "from django.conf import settings; print(settings.EMAIL_BACKEND); print(settings.EMAIL_FILE_PATH)"
    # when
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    # then
    backend, path = out.split()
    assert backend == "django.core.mail.backends.filebased.EmailBackend"
    assert path == str(tmp_path / "outbox")
