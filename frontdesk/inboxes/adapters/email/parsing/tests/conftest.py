from __future__ import annotations

from pathlib import Path

import pytest

from frontdesk.inboxes.adapters.email.parsing.model import ParsedEmail
from frontdesk.inboxes.adapters.email.parsing.scores import TESTDATA_EMAIL, parse_folder


@pytest.fixture(scope="session")
def email_testdata() -> Path:
    if not TESTDATA_EMAIL.is_dir():
        pytest.skip(f"outside test data not found at {TESTDATA_EMAIL}")
    return TESTDATA_EMAIL


@pytest.fixture(scope="session")
def parsed_corpus(email_testdata: Path) -> dict[str, ParsedEmail]:
    """Every file under ../shared/testdata/email parsed once (cached for the scores too)."""
    return parse_folder(str(email_testdata))
