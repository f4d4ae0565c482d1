"""Test configuration shared by the whole suite."""

from __future__ import annotations

import os
import tempfile

import pytest

# Tests never send real mail and run jobs inline; media goes to a throwaway folder.
os.environ.setdefault("FRONTDESK_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("FRONTDESK_TASKS_IMMEDIATE", "1")
os.environ.setdefault("FRONTDESK_MEDIA_ROOT", tempfile.mkdtemp(prefix="frontdesk-media-"))
os.environ.setdefault("FRONTDESK_DATA_DIR", tempfile.mkdtemp(prefix="frontdesk-data-"))
os.environ.setdefault("FRONTDESK_API_RATE_LIMIT_PER_MINUTE", "100000")


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    # Per-process memories keyed by ids, which a rolled-back test database hands out again.
    from frontdesk.accounts import token_cache
    from frontdesk.contacts import domains

    token_cache.clear()
    domains.forget()
    yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs about half a second per agent; tests create hundreds of agents.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
