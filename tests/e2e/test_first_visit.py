"""What a new user meets before any data exists: every empty place says what to do next, and
no control that can only fail is offered."""
from __future__ import annotations

from tests.e2e.monitor_helpers import register_and_login

UPLOAD_A_TINY_VIDEO = """async () => {
    const token = document.querySelector('meta[name=csrf-token]').content;
    const form = new FormData();
    const bytes = new Uint8Array(64); bytes.set([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x41, 0x56, 0x49, 0x20]);
    form.append('file', new File([bytes], 'door.avi'));
    return (await fetch('/api/videos', { method: 'POST', body: form, headers: { 'X-CSRF-Token': token } })).status;
}"""

# Controls a screen reader cannot name, and canvases (pictures, charts) without a text.
UNNAMED = """() => {
    const named = (el) => el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.title
        || (el.id && document.querySelector(`label[for="${el.id}"]`)?.textContent.trim())
        || el.closest('label')?.textContent.trim()
        || (['BUTTON', 'A', 'SUMMARY'].includes(el.tagName) && el.textContent.trim());
    const controls = [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a[href], summary')]
        .filter((el) => !named(el));
    const canvases = [...document.querySelectorAll('canvas')]
        .filter((el) => el.getAttribute('aria-hidden') !== 'true' && !el.getAttribute('aria-label'));
    return [...controls, ...canvases].map((el) => `${el.tagName.toLowerCase()}#${el.id}`);
}"""


def open_monitor(page, base_url: str) -> None:
    page.goto(f"{base_url}/monitor")
    page.wait_for_selector("body[data-monitor-ready=yes]")


def test_the_monitor_on_a_first_visit_says_what_to_do(live_server, page):
    register_and_login(page, live_server.url, "newcomer")
    open_monitor(page, live_server.url)
    # Nothing sent yet: no "Connected" badge (it stayed after the server had stopped).
    assert page.is_hidden("[data-testid=connection-state]")
    # No camera name yet: the hint asked nothing and read "Zones will be saved under “camera”".
    hint = page.inner_text("[data-testid=camera-key-hint]")
    assert hint.startswith("Name the camera") and "camera”" not in hint
    page.fill("[data-testid=camera-name]", "Front door")
    page.dispatch_event("[data-testid=camera-name]", "input")
    assert "saved under “front-door” (from “Front door”)" in page.inner_text("[data-testid=camera-key-hint]")

    # "Detector not loaded" under Start counting read like a fault: it loads once a source is open.
    assert page.inner_text("[data-testid=detector-info]") == "The detector loads when you open a source."

    # No uploaded video: "Open video" could only answer "Pick one of your videos first".
    page.click("[data-source-tab=video]")
    assert page.is_disabled("[data-testid=open-video]")
    assert page.inner_text("[data-testid=manage-videos]") == "Upload a video"

    assert page.evaluate(UPLOAD_A_TINY_VIDEO) == 201
    open_monitor(page, live_server.url)
    page.click("[data-source-tab=video]")
    assert page.is_enabled("[data-testid=open-video]")
    assert page.inner_text("[data-testid=manage-videos]") == "Manage videos"


def test_the_monitor_columns_start_level_on_a_laptop(live_server, page):
    page.set_viewport_size({"width": 1366, "height": 768})
    register_and_login(page, live_server.url, "newcomer")
    open_monitor(page, live_server.url)
    top = "(selector) => document.querySelector(selector).getBoundingClientRect().top"
    # The hidden zone inspector above Live counts still took the card-after-card margin: the
    # side column started 15 px below the source card.
    assert abs(page.evaluate(top, ".live-card") - page.evaluate(top, ".source-card")) < 1
    # The source tabs sat halfway down the card, beside the camera row's hint.
    assert abs(page.evaluate(top, "#source-tabs") - page.evaluate(top, "#camera-select")) < 12


def test_the_empty_dashboard_says_it_once(live_server, page):
    register_and_login(page, live_server.url, "newcomer")
    page.goto(f"{live_server.url}/dashboard")
    page.wait_for_selector("body[data-dashboard-ready=yes]")
    assert page.is_visible("#no-runs")
    # The status line above the empty card repeated it word for word ("No sessions yet. ...").
    status = page.inner_text("[data-testid=status-area]")
    assert "No sessions yet" not in status and status.startswith("Waiting for a first session")


def test_every_control_and_chart_has_a_name(live_server, page):
    # The monitor's file picker had no label, and no chart or picture had a text.
    register_and_login(page, live_server.url, "newcomer")
    open_monitor(page, live_server.url)
    assert page.evaluate(UNNAMED) == []
    page.goto(f"{live_server.url}/dashboard")
    page.wait_for_selector("body[data-dashboard-ready=yes]")
    assert page.evaluate(UNNAMED) == []
