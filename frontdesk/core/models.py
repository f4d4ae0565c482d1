"""Shared kernel: the brand every record belongs to, base model fields and install-wide counters."""

from __future__ import annotations

from django.db import connection, models


class TimestampedModel(models.Model):
    """Abstract base: when a row was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Brand(TimestampedModel):
    """A business identity served from this install: its own name, addresses, inboxes, contacts and tickets."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    support_email = models.EmailField(blank=True)
    color = models.CharField(max_length=7, default="#4f46e5")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Counter(models.Model):
    """An install-wide sequence (ticket numbers), advanced atomically by the database."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)

    @classmethod
    def advance(cls, name: str, by: int = 1) -> int:
        """Reserve `by` numbers and return the last one; atomic on SQLite and PostgreSQL (UPDATE ... RETURNING)."""
        table = cls._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET value = value + %s WHERE name = %s RETURNING value", [by, name])
            row = cursor.fetchone()
            if row is None:
                cls.objects.get_or_create(name=name)
                cursor.execute(f"UPDATE {table} SET value = value + %s WHERE name = %s RETURNING value", [by, name])
                row = cursor.fetchone()
        return int(row[0])
