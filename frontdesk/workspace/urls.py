from django.urls import path

from frontdesk.workspace.views import auth, contacts, inbox, tickets

app_name = "workspace"

urlpatterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("", inbox.inbox, name="inbox"),
    path("views/", inbox.save_view, name="save_view"),
    path("views/<int:view_id>/delete/", inbox.delete_view, name="delete_view"),
    path("tickets/bulk/", inbox.bulk, name="bulk"),
    path("tickets/new/", tickets.new_ticket, name="new_ticket"),
    path("tickets/<int:number>/", tickets.ticket_page, name="ticket"),
    path("tickets/<int:number>/live/", tickets.ticket_live, name="ticket_live"),
    path("tickets/<int:number>/messages/", tickets.post_message, name="post_message"),
    path("tickets/<int:number>/properties/", tickets.update_properties, name="update_properties"),
    path("messages/<int:message_id>/original/", tickets.message_original, name="message_original"),
    path("attachments/<int:attachment_id>/", tickets.attachment, name="attachment"),
    path("attachments/<int:attachment_id>/<str:filename>", tickets.attachment, name="attachment_named"),
    path("contacts/", contacts.contact_list, name="contacts"),
    path("contacts/<int:contact_id>/", contacts.contact_page, name="contact"),
    path("contacts/<int:contact_id>/edit/", contacts.contact_edit, name="contact_edit"),
    path("contacts/<int:contact_id>/identities/", contacts.identity_add, name="identity_add"),
    path(
        "contacts/<int:contact_id>/identities/<int:identity_id>/delete/",
        contacts.identity_remove,
        name="identity_remove",
    ),
    path("contacts/<int:contact_id>/merge/", contacts.contact_merge, name="contact_merge"),
    path("organisations/", contacts.organisation_list, name="organisations"),
    path("organisations/<int:organisation_id>/", contacts.organisation_page, name="organisation"),
]
