"""Provider webhooks for delivery events (tracking.py): /tracking/email/<mailgun|sendgrid|postmark|amazon_ses>/."""

from django.urls import path

from frontdesk.inboxes.adapters.email.webhooks import tracking_view

urlpatterns = [path("<slug:provider>/", tracking_view, name="email-tracking")]
