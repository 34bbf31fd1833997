"""A page whose list cannot be loaded (the server away, a proxy's error) says so where the
list goes, besides the status line: it said "Loading…" for ever."""
from __future__ import annotations

import pytest

from tests.e2e.monitor_helpers import register_and_login

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("path, api, list_id, words", [
    ("/videos", "**/api/videos?*", "video-list", "Your videos could not be loaded"),
    ("/webhooks", "**/api/webhooks", "webhook-list", "Your webhooks could not be loaded"),
])
def test_a_list_that_cannot_be_loaded_says_so(live_server, page, path, api, list_id, words):
    register_and_login(page, live_server.url, "offline")
    page.route(api, lambda route: route.abort())
    page.goto(f"{live_server.url}{path}")
    page.wait_for_function("() => document.getElementById('status-area').dataset.kind === 'error'")
    assert "The server cannot be reached." in page.inner_text("#status-area")
    assert words in page.inner_text(f"#{list_id}")
