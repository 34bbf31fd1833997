"""Dashboard end to end: a second browser logged in as the same user follows a running
session live (server-sent events) while the first one posts its counts."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from tests.e2e.monitor_helpers import PASSWORD, register_and_login
from tools.harness import assert_no_csp_violations, open_page



def login(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/auth/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=logout]")


def post_json(page, path: str, body: dict) -> dict:
    """A request from the logged-in page itself (session cookie + CSRF header)."""
    return page.evaluate("""async ([path, body]) => {
        const token = document.querySelector('meta[name=csrf-token]').content;
        const response = await fetch(path, { method: 'POST', body: JSON.stringify(body),
            headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token } });
        return { status: response.status, body: await response.json() };
    }""", [path, body])


def batch(line_key: str, start: datetime, entries: int, exits: int) -> dict:
    ts = start.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"batch_id": str(uuid.uuid4()),
            "samples": [{"ts": ts, "zone_key": line_key, "occupancy": 0, "entries": entries,
                         "exits": exits},
                        {"ts": ts, "zone_key": "frame", "occupancy": 3, "entries": 0, "exits": 0}],
            "events": [{"ts": ts, "zone_key": line_key, "kind": "in", "track_id": 7}]}


def test_second_browser_follows_a_running_session_live(live_server, browser, artifacts):
    counter_context, counter = open_page(browser)
    manager_context, manager = open_page(browser)
    register_and_login(counter, live_server.url, "shopowner")
    login(manager, live_server.url, "shopowner")

    counter.goto(f"{live_server.url}/dashboard")
    run = post_json(counter, "/api/runs", {"client_run_id": str(uuid.uuid4()),
                                           "source_kind": "webcam", "camera_key": "front-door",
                                           "label": "Camera front-door"})
    assert run["status"] == 201
    run_id = run["body"]["id"]
    now = datetime.now(timezone.utc)
    first = post_json(counter, f"/api/runs/{run_id}/batches", batch("line-door", now, 2, 1))
    assert first["status"] == 201

    manager.goto(f"{live_server.url}/dashboard")
    manager.wait_for_selector("body[data-dashboard-ready=yes]")
    manager.wait_for_function("() => document.querySelector('[data-testid=live-state]').textContent.includes('Live')")
    manager.wait_for_function("() => document.getElementById('kpi-samples').textContent === '2'")
    assert manager.inner_text("#kpi-samples-noun") == "count readings"
    assert "(running)" in manager.inner_text("[data-testid=run-select]")

    # New counts arrive while the manager watches: the page updates without a reload.
    for step in range(1, 4):
        sent = post_json(counter, f"/api/runs/{run_id}/batches",
                         batch("line-door", now + timedelta(seconds=step), 1, 0))
        assert sent["status"] == 201
    manager.wait_for_function("() => document.getElementById('kpi-samples').textContent === '8'")
    manager.wait_for_function("() => document.querySelector('#zone-table').textContent.includes('line-door')")
    row = manager.locator("#zone-table tr", has_text="line-door").inner_text()
    assert "\t5\t1\t" in row  # 2 + 3 in, 1 out

    assert manager.inner_text("[data-testid=dash-entries]") == "5"

    # Re-sending a batch (same batch_id) changes nothing on the server or on the screen.
    repeat_body = batch("line-door", now + timedelta(seconds=5), 4, 4)
    assert post_json(counter, f"/api/runs/{run_id}/batches", repeat_body)["status"] == 201
    duplicate = post_json(counter, f"/api/runs/{run_id}/batches", repeat_body)
    assert duplicate["status"] == 200 and duplicate["body"]["duplicate"] is True
    manager.wait_for_function("() => document.getElementById('kpi-samples').textContent === '10'")
    manager.wait_for_function("() => document.querySelector('[data-testid=dash-entries]').textContent === '9'")
    manager.wait_for_function("() => [...document.querySelectorAll('#server-charts img')]"
                              ".every((image) => image.complete && image.naturalWidth > 0)")
    manager.screenshot(path=str(artifacts / "dashboard-live.png"), full_page=True)

    # A new session starts elsewhere: the manager's page switches to it by itself.
    second = post_json(counter, "/api/runs", {"client_run_id": str(uuid.uuid4()),
                                              "source_kind": "webcam", "camera_key": "back-door",
                                              "label": "Camera back-door"})
    second_id = second["body"]["id"]
    assert post_json(counter, f"/api/runs/{second_id}/batches",
                     batch("line-back", now + timedelta(seconds=9), 1, 0))["status"] == 201
    manager.wait_for_function(f"() => document.getElementById('run-select').value === '{second_id}'")
    manager.wait_for_function("() => document.getElementById('kpi-samples').textContent === '2'")
    assert "back-door" in manager.inner_text("#run-meta")
    assert_no_csp_violations(counter_context.csp_violations + manager_context.csp_violations)


def test_pages_need_a_login_and_come_back_after_it(live_server, page):
    register_and_login(page, live_server.url, "returning")
    with page.expect_navigation():
        page.click("[data-testid=logout]")
    page.wait_for_url("**/auth/login**")
    for path in ("/monitor", "/dashboard", "/videos"):
        page.goto(f"{live_server.url}{path}")
        assert "/auth/login" in page.url and "next=" in page.url
    # Logging in on the page the last redirect showed leads back to where the user was going.
    page.fill("#username", "returning")
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/videos")
    nav = page.locator("nav.nav a").all_inner_texts()
    assert nav[:3] == ["Monitor", "Dashboard", "My videos"]
    assert page.locator("nav.nav a.active").inner_text() == "My videos"
