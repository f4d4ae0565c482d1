"""The settings of an email inbox: addresses, replies, auto-acknowledgement, sending, IMAP and webhooks.

The form reads and writes `Inbox.settings` (the shape is in docs/channels/email.md). Secrets never go in
there: the form asks for the NAME of the environment variable that holds each one and says whether this
server has it set. Keys the form does not know are kept as they were.
"""

from __future__ import annotations

import os
import re
import secrets
import string
from typing import Any

from django import forms
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from frontdesk.inboxes.adapters.registry import capabilities
from frontdesk.inboxes.models import Inbox

PLACEHOLDERS = ("ticket_number", "subject", "customer_name", "brand")
ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]{0,127}$")
DOMAIN = re.compile(r"^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$")
ESPS = [
    ("mailgun", "Mailgun"),
    ("sendgrid", "SendGrid"),
    ("postmark", "Postmark"),
    ("amazon_ses", "Amazon SES"),
    ("brevo", "Brevo"),
    ("resend", "Resend"),
    ("sparkpost", "SparkPost"),
]
# Where each provider posts inbound mail; Mailgun sends the raw message only to a URL containing "mime".
WEBHOOK_PATHS = [
    ("Mailgun", "mailgun_mime"),
    ("SendGrid", "sendgrid"),
    ("Postmark", "postmark"),
    ("Amazon SES", "amazon_ses"),
]
DEFAULT_ACK_SUBJECT = "We received your message: {subject}"
DEFAULT_ACK_BODY = (
    "Hello {customer_name},\n\nthank you for writing to {brand}. Your request has the number #{ticket_number}; "
    "we will answer as soon as we can.\n\nTo add anything, simply reply to this mail."
)


def _lines(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[\s,;]+", value or "") if part.strip()]


def _join(values: Any) -> str:
    return "\n".join(str(v) for v in values) if isinstance(values, list) else ""


def check_template(text: str) -> None:
    """A template may use only the known placeholders, each written {like_this}; doubled braces are literal."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text or "") if name is not None]
    except ValueError:
        raise ValidationError("A “{” or “}” is not closed; write {{ or }} for a brace itself.") from None
    unknown = sorted({n for n in names if n not in PLACEHOLDERS})
    if unknown:
        known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
        raise ValidationError(f"Unknown placeholder {', '.join('{' + n + '}' for n in unknown)}; use {known}.")


def _env_name(value: str) -> str:
    value = (value or "").strip()
    if value and not ENV_NAME.match(value):
        raise ValidationError("Use a variable name: capital letters, digits and _, e.g. ACME_SMTP_PASSWORD.")
    return value


class EnvNameField(forms.CharField):
    """The name of an environment variable holding a secret (the secret itself is never stored)."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 128)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        return _env_name(super().clean(value))


class EmailInboxForm(forms.Form):
    """Every email-specific setting of one inbox, checked together (the sections depend on each other)."""

    # Addresses
    address = forms.CharField(label="Support address", max_length=320, help_text="Customers write to this address.")
    aliases = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Other addresses",
        help_text="Addresses that reach this inbox as well, one per line (help@acme.test).",
    )
    domains = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Catch-all domains",
        help_text="Any address at these domains reaches this inbox (acme.test); needed for reply+ addresses "
        "when your mail provider has no plus-addressing.",
    )
    # Replies
    from_name = forms.CharField(
        required=False, max_length=120, label="From name", help_text="Shown to customers: “Acme Support”."
    )
    signature = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, label="Inbox signature",
        help_text="Below the replies of agents who have no signature of their own (set in their profile).",
    )
    quote_history = forms.BooleanField(
        required=False, label="Quote the conversation below each reply",
        help_text="Some customers like to see what they wrote; threading works either way.",
    )
    reopen_days = forms.IntegerField(
        min_value=0, max_value=365, initial=14, label="Reopen window (days)",
        help_text="A customer writing about a solved ticket within this many days reopens it; later, a "
        "follow-up ticket linked to it is opened. 0: always a follow-up.",
    )
    # Auto-acknowledgement
    ack_enabled = forms.BooleanField(
        required=False, label="Acknowledge new tickets automatically",
        help_text="Never sent to automatic mail (out-of-office, mailing lists, bounces), and at most a few times "
        "an hour to the same address.",
    )
    ack_subject = forms.CharField(
        required=False, max_length=300, label="Subject", initial=DEFAULT_ACK_SUBJECT,
        help_text="The ticket number is added at the end ([#1234]), so that the customer's answer threads.",
    )
    ack_body = forms.CharField(
        required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 6}), label="Message",
        initial=DEFAULT_ACK_BODY, help_text="Placeholders: {ticket_number}, {subject}, {customer_name}, {brand}.",
    )
    # Sending
    outbound_backend = forms.ChoiceField(
        label="Send replies through",
        choices=[
            ("", "This server's mail settings (FRONTDESK_EMAIL_*)"),
            ("smtp", "An SMTP relay"),
            ("anymail", "An email provider's API"),
        ],
        required=False,
    )
    smtp_host = forms.CharField(required=False, max_length=253, label="SMTP host")
    smtp_port = forms.IntegerField(required=False, min_value=1, max_value=65535, label="SMTP port", initial=587)
    smtp_security = forms.ChoiceField(
        label="Encryption",
        choices=[("starttls", "STARTTLS (port 587)"), ("ssl", "TLS from the start (port 465)"), ("none", "None")],
        required=False,
        initial="starttls",
    )
    smtp_username = forms.CharField(required=False, max_length=320, label="SMTP username")
    smtp_password_env = EnvNameField(label="Environment variable with the SMTP password")
    esp = forms.ChoiceField(choices=[("", "—"), *ESPS], required=False, label="Provider")
    esp_api_key_env = EnvNameField(
        label="Environment variable with the provider's API key",
        help_text="Amazon SES needs none: it signs in with the server's AWS_* variables or role.",
    )
    esp_domain = forms.CharField(
        required=False, max_length=253, label="Sending domain", help_text="Mailgun only: the domain you send from."
    )
    # IMAP
    imap_enabled = forms.BooleanField(required=False, label="Fetch mail from a mailbox over IMAP")
    imap_host = forms.CharField(required=False, max_length=253, label="IMAP host")
    imap_port = forms.IntegerField(required=False, min_value=1, max_value=65535, label="IMAP port", initial=993)
    imap_security = forms.ChoiceField(
        label="Encryption",
        choices=[("ssl", "TLS (port 993)"), ("starttls", "STARTTLS (port 143)"), ("none", "None")],
        required=False,
        initial="ssl",
    )
    imap_username = forms.CharField(required=False, max_length=320, label="IMAP username")
    imap_auth = forms.ChoiceField(
        label="Sign in with",
        choices=[("password", "Password or app password"), ("xoauth2", "OAuth 2.0 (XOAUTH2: Gmail, Microsoft 365)")],
        required=False,
        initial="password",
    )
    imap_password_env = EnvNameField(label="Environment variable with the password")
    imap_token_url = forms.URLField(
        required=False, max_length=500, label="OAuth token URL", assume_scheme="https",
        help_text="Gmail: https://oauth2.googleapis.com/token · Microsoft 365: "
        "https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token",
    )
    imap_client_id_env = EnvNameField(label="Environment variable with the OAuth client id")
    imap_client_secret_env = EnvNameField(label="Environment variable with the OAuth client secret")
    imap_refresh_token_env = EnvNameField(label="Environment variable with the OAuth refresh token")
    imap_access_token_env = EnvNameField(
        label="…or one with a current access token", help_text="When something else keeps a fresh token there."
    )
    imap_folder = forms.CharField(required=False, max_length=200, label="Folder", initial="INBOX")
    imap_interval_s = forms.IntegerField(
        required=False, min_value=10, max_value=86400, label="Check every (seconds)", initial=60
    )
    rotate_webhook_token = forms.BooleanField(
        required=False, label="Give this inbox new webhook addresses",
        help_text="The old addresses stop working at once: update them at your provider.",
    )

    SECTIONS = (
        ("Addresses", ("address", "aliases", "domains")),
        ("Replies", ("from_name", "signature", "quote_history", "reopen_days")),
        ("Automatic acknowledgement", ("ack_enabled", "ack_subject", "ack_body")),
        (
            "Sending",
            (
                "outbound_backend", "smtp_host", "smtp_port", "smtp_security", "smtp_username", "smtp_password_env",
                "esp", "esp_api_key_env", "esp_domain",
            ),
        ),
        (
            "Fetching mail over IMAP",
            (
                "imap_enabled", "imap_host", "imap_port", "imap_security", "imap_username", "imap_auth",
                "imap_password_env", "imap_token_url", "imap_client_id_env", "imap_client_secret_env",
                "imap_refresh_token_env", "imap_access_token_env", "imap_folder", "imap_interval_s",
            ),
        ),
    )

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def clean_address(self) -> str:
        address = self.cleaned_data["address"].strip().lower()
        _check_email(address)
        return address

    def clean_aliases(self) -> list[str]:
        aliases = [a.lower() for a in _lines(self.cleaned_data.get("aliases", ""))]
        bad = [a for a in aliases if not _is_email(a)]
        if bad:
            raise ValidationError(f"Not an email address: {', '.join(bad[:5])}.")
        return list(dict.fromkeys(aliases))

    def clean_domains(self) -> list[str]:
        domains = [d.lower().lstrip("@") for d in _lines(self.cleaned_data.get("domains", ""))]
        bad = [d for d in domains if not DOMAIN.match(d)]
        if bad:
            raise ValidationError(f"Not a domain name: {', '.join(bad[:5])} (write acme.test, without @ or http).")
        return list(dict.fromkeys(domains))

    def clean_ack_subject(self) -> str:
        value = self.cleaned_data.get("ack_subject", "").strip()
        check_template(value)
        return value

    def clean_ack_body(self) -> str:
        value = self.cleaned_data.get("ack_body", "").strip()
        check_template(value)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("ack_enabled"):
            for name in ("ack_subject", "ack_body"):
                if name not in self.errors and not data.get(name):
                    self.add_error(name, "An acknowledgement needs a subject and a message.")
        backend = data.get("outbound_backend")
        if backend == "smtp":
            self._require(data, "smtp_host", "An SMTP relay needs a host.")
            if data.get("smtp_username") and not data.get("smtp_password_env"):
                self.add_error("smtp_password_env", "Name the environment variable that holds the password.")
        elif backend == "anymail":
            self._require(data, "esp", "Choose the provider.")
            if data.get("esp") != "amazon_ses":  # SES signs in with the usual AWS_* variables
                self._require(data, "esp_api_key_env", "Name the environment variable that holds the API key.")
            if data.get("esp") == "mailgun":
                self._require(data, "esp_domain", "Mailgun needs the domain you send from.")
        if data.get("imap_enabled"):
            self._require(data, "imap_host", "IMAP needs a host.")
            self._require(data, "imap_username", "IMAP needs a username (usually the mailbox's address).")
            if data.get("imap_auth") == "xoauth2":
                if not data.get("imap_access_token_env"):
                    for name in ("imap_token_url", "imap_client_id_env", "imap_refresh_token_env"):
                        self._require(data, name, "Needed for OAuth 2.0 (or name a variable with an access token).")
            else:
                self._require(data, "imap_password_env", "Name the environment variable that holds the password.")
        return data

    def _require(self, data: dict[str, Any], name: str, message: str) -> None:
        if name not in self.errors and not data.get(name):
            self.add_error(name, message)


def _is_email(value: str) -> bool:
    try:
        _check_email(value)
    except ValidationError:
        return False
    return True


def _check_email(value: str) -> None:
    if not value or len(value) > 320:
        raise ValidationError("Enter an email address (support@acme.test).")
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(f"{value!r} is not an email address.") from None


def initial_for(inbox: Inbox) -> dict[str, Any]:
    """The form's values from what the inbox has now."""
    s = _dict(inbox.settings)
    ack, out, imap = _dict(s.get("auto_ack")), _dict(s.get("outbound")), _dict(s.get("imap"))
    return {
        "address": inbox.address,
        "aliases": _join(s.get("aliases")),
        "domains": _join(s.get("domains")),
        "from_name": s.get("from_name", ""),
        "signature": s.get("signature", ""),
        "quote_history": bool(s.get("quote_history")),
        "reopen_days": s.get("reopen_days", 14),
        # Unset, the channel decides (email acknowledges by default); `"auto_ack": false` switches it off.
        "ack_enabled": s.get("auto_ack") is not False and bool(ack.get("enabled", _acknowledges(inbox))),
        "ack_subject": ack.get("subject") or DEFAULT_ACK_SUBJECT,
        "ack_body": ack.get("body") or DEFAULT_ACK_BODY,
        "outbound_backend": out.get("backend", ""),
        "smtp_host": out.get("host", ""),
        "smtp_port": out.get("port", 587),
        "smtp_security": "ssl" if out.get("use_ssl") else ("starttls" if out.get("use_tls", True) else "none"),
        "smtp_username": out.get("username", ""),
        "smtp_password_env": out.get("password_env", ""),
        "esp": out.get("esp", ""),
        "esp_api_key_env": out.get("api_key_env", ""),
        "esp_domain": _dict(out.get("options")).get("sender_domain", ""),
        "imap_enabled": bool(imap),
        "imap_host": imap.get("host", ""),
        "imap_port": imap.get("port", 993),
        "imap_security": "ssl" if imap.get("ssl", not imap.get("starttls")) else (
            "starttls" if imap.get("starttls") else "none"
        ),
        "imap_username": imap.get("username", ""),
        "imap_auth": imap.get("auth", "password"),
        "imap_password_env": imap.get("password_env", ""),
        "imap_token_url": imap.get("token_url", ""),
        "imap_client_id_env": imap.get("client_id_env", ""),
        "imap_client_secret_env": imap.get("client_secret_env", ""),
        "imap_refresh_token_env": imap.get("refresh_token_env", ""),
        "imap_access_token_env": imap.get("access_token_env", ""),
        "imap_folder": imap.get("folder", "INBOX"),
        "imap_interval_s": imap.get("interval_s", 60),
    }


def _acknowledges(inbox: Inbox) -> bool:
    return bool(getattr(capabilities(inbox.channel_kind), "auto_acknowledge", False))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _pruned(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in ("", None)}


def settings_from(data: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """The inbox's new settings: what the form says, over what it had (keys the form does not own are kept)."""
    new = dict(current)
    new.update(
        aliases=data["aliases"],
        domains=data["domains"],
        from_name=data.get("from_name", "").strip(),
        signature=data.get("signature", "").strip(),
        quote_history=bool(data.get("quote_history")),
        reopen_days=data["reopen_days"],
        auto_ack={
            "enabled": bool(data.get("ack_enabled")),
            "subject": data.get("ack_subject", ""),
            "body": data.get("ack_body", ""),
        },
    )
    backend = data.get("outbound_backend") or ""
    if backend == "smtp":
        security = data.get("smtp_security") or "starttls"
        new["outbound"] = _pruned(
            {
                "backend": "smtp",
                "host": data["smtp_host"].strip(),
                "port": data.get("smtp_port") or (465 if security == "ssl" else 587),
                "use_tls": security == "starttls",
                "use_ssl": security == "ssl",
                "username": data.get("smtp_username", "").strip(),
                "password_env": data.get("smtp_password_env", ""),
            }
        ) | {"use_tls": security == "starttls", "use_ssl": security == "ssl"}
    elif backend == "anymail":
        kept_options = _dict(_dict(current.get("outbound")).get("options"))
        options = {k: v for k, v in kept_options.items() if k != "sender_domain"}
        if data.get("esp") == "mailgun" and data.get("esp_domain"):
            options["sender_domain"] = data["esp_domain"].strip()
        new["outbound"] = _pruned(
            {"backend": "anymail", "esp": data["esp"], "api_key_env": data.get("esp_api_key_env", "")}
        ) | ({"options": options} if options else {})
    else:
        new.pop("outbound", None)
    if data.get("imap_enabled"):
        security = data.get("imap_security") or "ssl"
        auth = data.get("imap_auth") or "password"
        imap = {
            "host": data["imap_host"].strip(),
            "port": data.get("imap_port") or (993 if security == "ssl" else 143),
            "ssl": security == "ssl",
            "starttls": security == "starttls",
            "username": data["imap_username"].strip(),
            "auth": auth,
            "folder": (data.get("imap_folder") or "INBOX").strip(),
            "interval_s": data.get("imap_interval_s") or 60,
        }
        kept = _dict(current.get("imap"))
        secrets_named = (
            ("password_env",)
            if auth == "password"
            else ("token_url", "client_id_env", "client_secret_env", "refresh_token_env", "access_token_env")
        )
        imap.update({key: data.get(f"imap_{key}", "") for key in secrets_named if data.get(f"imap_{key}")})
        # Expert keys set through the API (mark_seen, batch, verify_tls, ca_file, scope) stay as they were.
        for key in ("mark_seen", "batch", "timeout_s", "verify_tls", "ca_file", "scope"):
            if key in kept:
                imap[key] = kept[key]
        new["imap"] = imap
    else:
        new.pop("imap", None)
    if data.get("rotate_webhook_token") or not new.get("webhook_token"):
        new["webhook_token"] = secrets.token_urlsafe(18)
    return new


def env_status(names: list[str]) -> dict[str, bool]:
    """Which of these environment variables this server has set (their values are never read out)."""
    return {name: bool(os.environ.get(name)) for name in names if name}


def connection_info(inbox: Inbox, site_url: str) -> dict[str, Any]:
    """What to configure elsewhere: the webhook URLs, the forwarding target and the server-wide secrets."""
    s = _dict(inbox.settings)
    base = site_url.rstrip("/")
    token = str(s.get("webhook_token") or "")
    anymail = getattr(django_settings, "ANYMAIL", {}) or {}
    return {
        "webhooks": [
            {
                "provider": name,
                "url": f"{base}/inbound/email/{path}/",
                "inbox_url": f"{base}/inbound/email/{path}/{token}/" if token else "",
                # Where a provider that sends this inbox's replies reports bounces and deliveries.
                "tracking_url": f"{base}/tracking/email/{path.removesuffix('_mime')}/",
            }
            for name, path in WEBHOOK_PATHS
        ],
        "basic_auth_set": bool(anymail.get("WEBHOOK_SECRET")),
        "mailgun_key_set": bool(anymail.get("MAILGUN_WEBHOOK_SIGNING_KEY")),
        "sendgrid_key_set": bool(anymail.get("SENDGRID_INBOUND_WEBHOOK_VERIFICATION_KEY")),
        "smtp_host": getattr(django_settings, "SMTP_HOST", "127.0.0.1"),
        "smtp_port": getattr(django_settings, "SMTP_PORT", 2525),
        "address": inbox.address,
        "domain": inbox.address.rpartition("@")[2],
    }
