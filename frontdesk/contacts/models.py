"""Customers (contacts), the ways they reach us (identities) and the companies they belong to."""

from __future__ import annotations

from django.db import models

from frontdesk.contacts.choices import IdentityKind
from frontdesk.core.models import Brand, TimestampedModel


class Organisation(TimestampedModel):
    """A customer company; its people are contacts, its tickets are theirs."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="organisations")
    name = models.CharField(max_length=200)
    domains = models.JSONField(default=list, blank=True)  # e-mail domains that map new contacts here
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["brand", "name"], name="organisation_unique_per_brand")]

    def __str__(self) -> str:
        return self.name


class Contact(TimestampedModel):
    """A customer of a brand: one person with one history, whatever channel they write from."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    language = models.CharField(max_length=16, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    notes = models.TextField(blank=True)
    # Set when this contact was merged into another; merged contacts keep no identities or tickets.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["brand", "name"], name="contact_brand_name")]

    def __str__(self) -> str:
        return self.name or self.primary_address or f"Contact {self.pk}"

    @property
    def primary_address(self) -> str:
        known = self.__dict__.get("_known_primary_address")
        if known is not None:  # set by a lookup that found the contact through its primary identity
            return str(known)
        identities = getattr(self, "_prefetched_objects_cache", {}).get("identities")
        rows = list(identities) if identities is not None else list(self.identities.all()[:5])
        rows.sort(key=lambda i: (not i.is_primary, i.kind != IdentityKind.EMAIL, i.pk))
        return rows[0].value if rows else ""

    @property
    def display_name(self) -> str:
        return self.name or self.primary_address or f"Contact {self.pk}"


class ContactIdentity(TimestampedModel):
    """One address of a contact on one channel kind (an email address, a phone number, a handle)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=20, choices=IdentityKind.choices)
    value = models.CharField(max_length=320)  # normalised: lower-case e-mail, E.164 phone, handle as given
    is_primary = models.BooleanField(default=False)
    is_verified = models.BooleanField(default=False)
    is_bouncing = models.BooleanField(default=False)
    bounced_at = models.DateTimeField(null=True, blank=True)  # when mail to it last bounced for good
    # The mail server's answer ("5.1.1 User unknown"); a database default too, for rows written by raw INSERTs.
    bounce_reason = models.CharField(max_length=500, blank=True, default="", db_default="")

    class Meta:
        ordering = ["-is_primary", "kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "kind", "value"], name="identity_unique_per_brand"),
        ]
        indexes = [models.Index(fields=["contact", "kind"], name="identity_contact_kind")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"
