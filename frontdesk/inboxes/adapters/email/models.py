"""State the email channel keeps besides tickets and messages."""

from __future__ import annotations

from django.db import models


class ImapCursor(models.Model):
    """How far the poller has read one IMAP folder of an inbox.

    `last_uid` moves on only after the message with that UID was committed, so a poll that dies half-way reads
    again from the first message not yet stored. UIDs are only meaningful within one UIDVALIDITY: when the
    server announces another, the folder is read again from the start (the intake's dedup keeps what is
    already stored from being stored twice).
    """

    inbox = models.ForeignKey("inboxes.Inbox", on_delete=models.CASCADE, related_name="imap_cursors")
    folder = models.CharField(max_length=255, default="INBOX")
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inbox", "folder"], name="imap_cursor_inbox_folder")]

    def __str__(self) -> str:
        return f"IMAP cursor of inbox {self.inbox_id} {self.folder} at {self.uidvalidity}/{self.last_uid}"
