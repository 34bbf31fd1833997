"""Zone names and session labels of the most characters the API takes, without a space
(underscores do not break a line): the dashboard wraps them instead of cutting them off or
making the page wider than a phone."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from tests.e2e.monitor_helpers import page_overflow, register_and_login
from tests.e2e.test_dashboard import post_json
from tools.harness import SHARED_DATA

pytestmark = pytest.mark.e2e
ZONE_NAME = "Kassenbereich_Eingang_Nord_Obergeschoss_Warteschlange_Kundenservice_0123456789"
LABEL = "Camera " + "eingang_nord_obergeschoss_" * 4


def at_sizes(page, url: str, ready: str, sizes: dict):
    """The page at each window size, once `ready` is on it; yields the size's name."""
    for name, (width, height) in sizes.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(url)
        page.wait_for_selector(ready)
        yield name


def test_long_names_wrap_on_the_dashboard(live_server, page, artifacts):
    register_and_login(page, live_server.url, "longnames")
    page.goto(f"{live_server.url}/dashboard")
    zone = post_json(page, "/api/zones", {
        "name": ZONE_NAME, "kind": "polygon", "camera_key": "north", "frame_width": 640,
        "frame_height": 480, "threshold": 1,
        "geometry": {"points": [[10, 10], [300, 10], [300, 300]]}})["body"]
    run = post_json(page, "/api/runs", {"client_run_id": str(uuid.uuid4()), "source_kind": "webcam",
                                        "camera_key": "north", "label": LABEL})["body"]
    ts = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    key = f"zone-{zone['id']}"
    assert post_json(page, f"/api/runs/{run['id']}/batches", {
        "batch_id": str(uuid.uuid4()),
        "samples": [{"ts": ts, "zone_key": key, "occupancy": 2, "entries": 2, "exits": 0}],
        "events": [{"ts": ts, "zone_key": key, "kind": "alert_start", "value": 2}]})["status"] == 201
    for name in at_sizes(page, f"{live_server.url}/dashboard?run={run['id']}",
                         "body[data-dashboard-ready=yes]", {"desktop": (1440, 900), "phone": (390, 844)}):
        page.wait_for_selector("#alert-list .alert-entry")
        page.screenshot(path=str(artifacts / f"long-names-dashboard-{name}.png"), full_page=True)
        # The alert names the whole zone, on as many lines as it takes (it was cut off).
        alerts = page.locator("#alert-list")
        assert ZONE_NAME in alerts.inner_text()
        assert page.evaluate("(list) => list.scrollWidth <= list.clientWidth",
                             alerts.element_handle()), name
        # The session's line wraps too (a phone's page was 1,193 px wide).
        assert LABEL in page.inner_text("#run-meta")
        # ... below the card's heading, which keeps its width: one line, or the whole card's
        # width when it is longer (it was squeezed into "Lines / and / zones" beside it).
        headings = page.evaluate("""() => [...document.querySelectorAll('#run-view .card-header h2')]
            .filter((h2) => h2.offsetParent).map((h2) => [h2.textContent.trim(), Math.round(
                h2.getBoundingClientRect().height / parseFloat(getComputedStyle(h2).lineHeight)),
                h2.getBoundingClientRect().width / h2.parentElement.clientWidth])""")
        assert headings and all(lines == 1 or share > 0.85 for _, lines, share in headings), \
            (name, headings)
        overflow = page_overflow(page)
        assert overflow <= 0, f"{name}: the page is {overflow}px wider than the screen"


def test_the_monitor_fits_a_phone_with_saved_zones(live_server, page, artifacts):
    """The Webcam tab lists "Your cameras" with their zones' names in one option: a phone's
    page grew to 1,593 px (the select's text set the width of the single-column layout)."""
    register_and_login(page, live_server.url, "phoneuser")
    page.goto(f"{live_server.url}/dashboard")
    for name in ("Pavement in front of the shop window and the door", "Shop door", ZONE_NAME):
        assert post_json(page, "/api/zones", {
            "name": name, "kind": "polygon", "camera_key": "shop-entrance", "frame_width": 640,
            "frame_height": 480, "geometry": {"points": [[10, 10], [300, 10], [300, 300]]}})["status"] == 201
    for name in at_sizes(page, f"{live_server.url}/monitor", "body[data-monitor-ready=yes]",
                         {"phone": (390, 844), "tablet": (1024, 768)}):
        page.wait_for_function("() => document.querySelector('#saved-camera option[value]')")
        page.screenshot(path=str(artifacts / f"long-names-monitor-{name}.png"), full_page=True)
        overflow = page_overflow(page)
        assert overflow <= 0, f"{name}: the monitor is {overflow}px wider than the screen"


def test_a_long_file_name_wraps_on_a_phone_while_and_after_uploading(live_server, page,
                                                                     artifacts):
    """Uploading a video whose name has no space: the upload's progress line, then the
    page's status line ("Uploaded ...") made a 390 px phone's My videos page 1,136 and 1,067
    px wide (the library below already wrapped it)."""
    register_and_login(page, live_server.url, "longfile")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/videos")
    held = []  # the upload waits here until the page has been measured while it runs
    page.route("**/api/videos", lambda route: held.append(route)
               if route.request.method == "POST" else route.continue_())
    name = f"{LABEL.replace(' ', '_')}.mp4"
    clip = (SHARED_DATA / "TUD-Campus" / "TUD-Campus.mp4").read_bytes()
    page.set_input_files("[data-testid=upload-file]",
                         {"name": name, "mimeType": "video/mp4", "buffer": clip})
    page.wait_for_selector("#upload-progress:not([hidden])")
    page.wait_for_function("(name) => document.getElementById('upload-name').textContent"
                           ".includes(name)", arg=name)
    page.screenshot(path=str(artifacts / "long-names-uploading-phone.png"), full_page=True)
    assert page_overflow(page) <= 0, "the upload's progress line is wider than the phone"
    held[0].continue_()
    page.wait_for_function("(name) => document.getElementById('status-area').textContent"
                           ".includes(`Uploaded “${name}”`)", arg=name)
    page.screenshot(path=str(artifacts / "long-names-upload-phone.png"), full_page=True)
    assert page_overflow(page) <= 0, "the status line is wider than the phone"


def test_a_long_token_name_wraps_on_a_phone(live_server, page):
    """A token name of 80 characters without a space: the new token's heading made a 390 px
    phone's API tokens page 963 px wide, and the 'is revoked' message 697 px."""
    register_and_login(page, live_server.url, "longtoken")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/tokens")
    name = ZONE_NAME[:80]
    page.fill("[data-testid=token-form] input[name=name]", name)
    page.click("[data-testid=token-form] button[type=submit]")
    page.wait_for_selector("[data-testid=new-token]")
    assert page_overflow(page) <= 0, "the new token's heading is wider than the phone"
    page.click("[data-testid=token-table] button:has-text('Revoke')")
    page.wait_for_selector(".flash-success")
    assert name in page.inner_text(".flashes")
    assert page_overflow(page) <= 0, "the revoked message is wider than the phone"


def test_the_monitor_wraps_long_zone_names_on_a_phone(live_server, page, artifacts):
    """A video with a zone and a line named without spaces, counted on a 390 px phone: the
    live panel's rows pushed their figures out of sight (the name took the table's whole
    width) and the summary's tiles made the page 591 px wide."""
    register_and_login(page, live_server.url, "longzones")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/videos")
    clip = (SHARED_DATA / "TUD-Campus" / "TUD-Campus.mp4").read_bytes()
    page.set_input_files("[data-testid=upload-file]",
                         {"name": "clip.mp4", "mimeType": "video/mp4", "buffer": clip})
    page.wait_for_function("() => document.getElementById('status-area').textContent"
                           ".includes('Uploaded')")
    video_id = page.evaluate("fetch('/api/videos').then((r) => r.json())")["items"][0]["id"]
    for name, kind, points in ((ZONE_NAME, "polygon", [[40, 220], [600, 220], [600, 470]]),
                               (ZONE_NAME[::-1], "line", [[511, 150], [511, 470]])):
        assert post_json(page, "/api/zones", {
            "name": name, "kind": kind, "video_id": video_id, "frame_width": 640,
            "frame_height": 480, "geometry": {"points": points}})["status"] == 201
    page.goto(f"{live_server.url}/monitor?video={video_id}")
    page.wait_for_selector("[data-testid=process-whole]:not([disabled])")
    page.wait_for_selector("[data-testid=totals-row]")
    # Each row's first figure (line in, or people in the zone now) is in sight in its card.
    hidden = page.evaluate("""() => [...document.querySelectorAll('[data-testid=totals-row]')]
        .filter((row) => row.querySelector('td.num').getBoundingClientRect().right >
                         row.closest('.table-scroll').getBoundingClientRect().right)
        .map((row) => row.dataset.zoneKey)""")
    assert hidden == [], "the live panel's figures are pushed out of sight by the names"
    page.click("[data-testid=process-whole]")
    page.wait_for_selector("[data-testid=summary]:not([hidden])")
    page.screenshot(path=str(artifacts / "long-names-monitor-summary-phone.png"), full_page=True)
    overflow = page_overflow(page)
    assert overflow <= 0, f"the monitor is {overflow}px wider than the phone after counting"
