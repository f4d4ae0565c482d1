"""Test environment defaults, loaded as a pytest plugin (`-p frontdesk.testing.pytest_env` in pyproject.toml).

pytest-django reads the settings before any conftest.py is imported, so defaults set in conftest.py would come
too late for values read at import (data folder, media folder, rate limit, inline tasks). A `-p` plugin is
imported before that.
"""

from __future__ import annotations

import os
import tempfile

# Tests never send real mail and run jobs inline; media and data go to throwaway folders.
os.environ.setdefault("FRONTDESK_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("FRONTDESK_TASKS_IMMEDIATE", "1")
os.environ.setdefault("FRONTDESK_MEDIA_ROOT", tempfile.mkdtemp(prefix="frontdesk-media-"))
os.environ.setdefault("FRONTDESK_DATA_DIR", tempfile.mkdtemp(prefix="frontdesk-data-"))
os.environ.setdefault("FRONTDESK_API_RATE_LIMIT_PER_MINUTE", "100000")
