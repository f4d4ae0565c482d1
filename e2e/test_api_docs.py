"""The interactive API reference renders in a real browser with no network beyond this install."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_reference_works_offline(page, live_server):
    # given every request leaving this install fails
    outside: list[str] = []

    def only_local(route):  # type: ignore[no-untyped-def]
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    # when
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=15_000)
    # then
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/tickets" in p for p in paths)
    assert len(paths) >= 30
    assert outside == []
    assert page.script_errors == []
