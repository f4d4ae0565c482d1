"""Provider webhooks for inbound mail: /inbound/email/<provider>/ (mailgun, mailgun_mime, sendgrid, postmark,
amazon_ses), and /inbound/email/<provider>/<inbox webhook token>/ for a provider that delivers from an address of
its own. Mailgun posts the raw message only to a URL containing "mime", hence `mailgun_mime`."""

from django.urls import path, re_path

from frontdesk.inboxes.adapters.email.webhooks import inbound_view

urlpatterns = [
    # Mailgun decides by the URL whether it posts the raw MIME ("…mime…") or parsed fields; both are accepted.
    re_path(r"^(?P<provider>mailgun)(?:_mime)?/(?:(?P<token>[\w-]+)/)?$", inbound_view, name="email-inbound-mailgun"),
    path("<slug:provider>/", inbound_view, name="email-inbound"),
    path("<slug:provider>/<slug:token>/", inbound_view, name="email-inbound-inbox"),
]
