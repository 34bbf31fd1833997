"""Every page at a desktop (1440x900) and a phone (390x844) size: screenshots in
test-artifacts/, no page wider than the viewport, and the controls users need on screen."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from tests.e2e.monitor_helpers import page_overflow, register_and_login
from tests.e2e.test_dashboard import post_json
from tools.harness import (LiveServer, assert_no_csp_violations, launch_chromium, make_app,
                           open_page)

SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
# 80 characters (the most a token name has) without a space
LONG_TOKEN_NAME = "nightly_export_to_the_finance_teams_spreadsheet_" + "0123456789abcdef" * 2
PAGES = {
    "home": ("/", "main"),
    "monitor": ("/monitor", "body[data-monitor-ready=yes]"),
    "dashboard": ("/dashboard", "body[data-dashboard-ready=yes]"),
    "videos": ("/videos", "[data-testid=video-row]"),
    "profile": ("/profile", "main form"),
    "tokens": ("/tokens", "main form"),
    "webhooks": ("/webhooks", "[data-testid=webhook-count]:not(:empty)"),
    "api-docs": ("/api/docs", "details.api-doc-op"),
}
# What sticks out of the viewport, for the failure message.
WIDE_ELEMENTS = """() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll('body *')].filter((el) => {
        const box = el.getBoundingClientRect();
        if (!box.width || !box.height) return false;
        // inside a scroll container that keeps it (e.g. a wide table), it is fine
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            const style = getComputedStyle(p);
            if (['auto', 'scroll', 'hidden'].includes(style.overflowX)) {
                const outer = p.getBoundingClientRect();
                if (outer.right <= width + 1) return false;
            }
        }
        return box.right > width + 1;
    }).slice(0, 8).map((el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className} right=${Math.round(el.getBoundingClientRect().right)}`);
}"""


def seed(page, base_url: str) -> None:
    """A finished webcam session with a line, a zone and people in view; an uploaded video."""
    page.goto(f"{base_url}/dashboard")
    run = post_json(page, "/api/runs", {"client_run_id": str(uuid.uuid4()),
                                        "source_kind": "webcam", "camera_key": "front-door",
                                        "label": "Camera front-door"})["body"]
    start = datetime.now(timezone.utc) - timedelta(minutes=3)
    samples, events = [], []
    for second in range(0, 120, 5):
        ts = (start + timedelta(seconds=second)).isoformat(timespec="milliseconds") \
            .replace("+00:00", "Z")
        samples += [{"ts": ts, "zone_key": "line-door", "occupancy": 0,
                     "entries": 1 if second % 15 == 0 else 0, "exits": 1 if second % 20 == 0 else 0},
                    {"ts": ts, "zone_key": "draft-shop-front-with-a-long-name", "occupancy": second % 4,
                     "entries": 1, "exits": 1},
                    {"ts": ts, "zone_key": "frame", "occupancy": 3, "entries": 0, "exits": 0}]
        events.append({"ts": ts, "zone_key": "draft-shop-front-with-a-long-name", "kind": "enter"})
    assert post_json(page, f"/api/runs/{run['id']}/batches", {
        "batch_id": str(uuid.uuid4()), "samples": samples, "events": events})["status"] == 201
    ended = page.evaluate("""async (id) => {
        const token = document.querySelector('meta[name=csrf-token]').content;
        const response = await fetch(`/api/runs/${id}`, { method: 'PATCH', body: JSON.stringify({ ended: true }),
            headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token } });
        return response.status;
    }""", run["id"])
    assert ended == 200
    page.evaluate("""async () => {
        const token = document.querySelector('meta[name=csrf-token]').content;
        const form = new FormData();
        const bytes = new Uint8Array(64); bytes.set([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x41, 0x56, 0x49, 0x20]);
        form.append('file', new File([bytes], 'a-very-long-recording-name-from-the-shop-door-camera.avi'));
        await fetch('/api/videos', { method: 'POST', body: form, headers: { 'X-CSRF-Token': token } });
    }""")


@pytest.fixture(scope="module")
def live_server_module(tmp_path_factory):
    server = LiveServer(make_app(tmp_path_factory.mktemp("layout"))).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser_module(playwright_instance):
    browser = launch_chromium(playwright_instance)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def site(browser_module, live_server_module):
    context, page = open_page(browser_module)
    register_and_login(page, live_server_module.url, "layout")
    seed(page, live_server_module.url)
    page.goto(f"{live_server_module.url}/tokens")
    page.fill("input[name=name]", LONG_TOKEN_NAME)
    page.click("main form button[type=submit]")
    page.wait_for_selector("time[datetime]")
    yield context, live_server_module.url
    violations = list(context.csp_violations)
    context.close()
    assert_no_csp_violations(violations)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", list(PAGES))
def test_no_page_is_wider_than_the_viewport(site, artifacts, name, size):
    context, base_url = site
    path, ready = PAGES[name]
    page = context.new_page()
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    try:
        page.goto(f"{base_url}{path}")
        page.wait_for_selector(ready, state="attached")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(artifacts / f"layout-{name}-{size}.png"), full_page=True)
        overflow = page_overflow(page)
        assert overflow <= 0, f"{name} at {width}px is {overflow}px too wide: {page.evaluate(WIDE_ELEMENTS)}"
        if name == "dashboard":
            # The session shown has ended: never a green "Live" beside it (issue 14, item 8).
            state = page.inner_text("[data-testid=live-state]")
            assert state == "Ended" and not page.locator(".live-dot.is-live").count(), state
            # One name per figure: the line's in/out and the zone's visits apart.
            assert page.inner_text("[data-testid=dash-entries]") == "8"
            assert page.inner_text("[data-testid=dash-zone-entered]") == "24"
        if name == "tokens":
            # A long name without spaces wraps: Revoke stays in the card (it was pushed out of
            # view on a desktop; a phone's table scrolls inside its card, as every wide table).
            assert page.inner_text(".token-name") == LONG_TOKEN_NAME
            if size == "desktop":
                revoke = page.locator(".token-actions button").bounding_box()
                card = page.locator("[data-testid=token-table]").locator("xpath=ancestor::section[1]").bounding_box()
                assert revoke and revoke["x"] + revoke["width"] <= card["x"] + card["width"], (revoke, card)
            # Server-written times in the same locale format as the pages' scripts write, in
            # the profile's time zone (the page says "Times are in your time zone (...)").
            for time in page.locator("time[datetime]").all():
                expected = page.evaluate("(iso) => new Date(iso).toLocaleString(undefined, "
                                         "{ dateStyle: 'medium', timeStyle: 'short', timeZone: "
                                         "document.querySelector('meta[name=time-zone]').content })",
                                         time.get_attribute("datetime"))
                assert time.inner_text() == expected
        if name == "videos":
            for button in page.locator("[data-testid=video-row] :is(a, button)").all():
                box = button.bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, button.inner_text()
    finally:
        page.close()


ZONE_TABLE = """() => {
    const scroller = document.getElementById('zone-table').closest('.table-scroll');
    const rows = [...document.querySelectorAll('#zone-table tr')].map((row) => [...row.cells]
        .filter((cell) => getComputedStyle(cell).display !== 'none')
        .map((cell) => [getComputedStyle(cell, '::before').content.replace(/^"|"$/g, ''),
                        cell.innerText.trim(), Math.round(cell.getBoundingClientRect().right)]));
    return { scrollWidth: scroller.scrollWidth, clientWidth: scroller.clientWidth,
             header: getComputedStyle(document.getElementById('zone-table').closest('table').tHead).display,
             hint: document.querySelector('[data-testid=readings-hint]')?.innerText ?? null, rows };
}"""


@pytest.mark.parametrize("size", [("phone", 390, 844), ("laptop", 1280, 800)])
def test_the_dashboard_zone_table_fits_without_sideways_scrolling(site, artifacts, size):
    """The dashboard's "Lines and zones" table scrolled sideways on a phone (nine columns in
    390 px): there each line or zone is a card, every figure beside its heading, and the
    figures it does not have (dashes on a laptop) are left out. "samples saved" is said as
    count readings, with what one is."""
    context, base_url = site
    name, width, height = size
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    try:
        page.goto(f"{base_url}/dashboard")
        page.wait_for_selector("body[data-dashboard-ready=yes]", state="attached")
        page.wait_for_selector("#zone-table tr[data-zone-key]")
        # the chart images come a moment later: a screenshot before them showed captions only
        page.wait_for_function("() => [...document.querySelectorAll('#server-charts img')]"
                               ".every((image) => image.complete && image.naturalWidth > 0)")
        page.locator("#zone-table").scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / f"dashboard-zone-table-{name}.png"), full_page=True)
        table = page.evaluate(ZONE_TABLE)
        assert table["scrollWidth"] <= table["clientWidth"], table
        assert all(right <= width for row in table["rows"] for _, _, right in row), table
        assert table["hint"] == "(one a second for each line, zone and the whole picture)"
        assert page.inner_text("#kpi-samples-noun") == "count readings"
        line = next(row for row in table["rows"] if row[0][1] == "line-door")
        if name == "phone":
            assert table["header"] == "none"
            # each figure says what it is; a line has no zone visits, occupancy or dwell
            assert [label for label, _, _ in line[2:]] == ["Line in", "Line out"], line
            assert [value for _, value, _ in line[2:]] == ["8", "6"], line
        else:
            assert table["header"] != "none" and len(line) == 9, table
    finally:
        page.close()


def test_the_zone_panel_labels_fit_on_one_line(site, artifacts):
    """The monitor's zone panel put "ends after (s)" into the colour's 64 px column, where it
    broke into three lines (desktop and phone)."""
    context, base_url = site
    page = context.new_page()
    try:
        page.goto(f"{base_url}/monitor")
        page.wait_for_selector("body[data-monitor-ready=yes]", state="attached")
        page.evaluate("() => { const form = document.getElementById('zone-inspector');"
                      " form.hidden = false; form.dataset.kind = 'polygon'; }")
        for width, height in SIZES.values():
            page.set_viewport_size({"width": width, "height": height})
            lines = page.evaluate("""() => [...document.querySelectorAll('#zone-inspector label')]
                .filter((label) => label.offsetParent)
                .map((label) => [label.textContent, Math.round(label.getBoundingClientRect().height
                    / parseFloat(getComputedStyle(label).lineHeight))])""")
            assert lines and all(count == 1 for _, count in lines), (width, lines)
        page.locator("#zone-inspector").screenshot(path=str(artifacts / "layout-zone-panel-phone.png"))
    finally:
        page.close()


def test_the_menu_is_one_row_or_a_menu_button_at_every_width(browser_module, live_server_module,
                                                              artifacts):
    """Between a phone and a wide laptop the menu wrapped into two ragged rows and the brand
    broke into "People / Counter" (from 761 px to about 950 px, and up to 1,200 px with a long
    user name). Now it is one row, or a menu button that a keyboard can open too."""
    context, page = open_page(browser_module)
    try:
        register_and_login(page, live_server_module.url, "a_very_long_user_name_of_32_char")
        page.goto(f"{live_server_module.url}/webhooks")
        for width in (390, 761, 900, 1000, 1001, 1100, 1280, 1281, 1440, 1920):
            page.set_viewport_size({"width": width, "height": 800})
            header = page.evaluate("""() => ({
                height: document.querySelector('.topbar').getBoundingClientRect().height,
                brand: document.querySelector('.brand').getBoundingClientRect().height,
                button: getComputedStyle(document.querySelector('.nav-toggle-label')).display !== 'none',
                nav: getComputedStyle(document.querySelector('.nav')).display !== 'none'})""")
            assert header["height"] < 70 and header["brand"] < 40, (width, header)
            assert header["button"] != header["nav"], (width, header)
            assert page_overflow(page) <= 0, width
        page.set_viewport_size({"width": 900, "height": 800})
        page.focus("#nav-toggle")
        page.keyboard.press("Space")
        assert page.is_visible("nav >> text=Webhooks")
        page.screenshot(path=str(artifacts / "layout-menu-open-900.png"))
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/auth/login", "/auth/register"])
def test_the_pages_before_logging_in_fit_a_phone(browser_module, live_server_module, artifacts, path):
    context, page = open_page(browser_module)
    try:
        for size, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"{live_server_module.url}{path}")
            page.wait_for_selector("main form")
            page.screenshot(path=str(artifacts / f"layout-{path.rsplit('/', 1)[-1]}-{size}.png"), full_page=True)
            overflow = page_overflow(page)
            assert overflow <= 0, f"{path} at {width}px is {overflow}px too wide: {page.evaluate(WIDE_ELEMENTS)}"
        violations = list(context.csp_violations)
    finally:
        context.close()
    assert_no_csp_violations(violations)


CHART_IMAGES = """() => [...document.querySelectorAll('#server-charts img')].map((image) => {
    const box = image.getBoundingClientRect();
    return { src: image.getAttribute('src'), complete: image.complete, naturalWidth: image.naturalWidth,
             naturalHeight: image.naturalHeight,
             width: Math.round(box.width), height: Math.round(box.height),
             display: getComputedStyle(image).display, visibility: getComputedStyle(image).visibility };
})"""


@pytest.mark.parametrize("size", [("phone", 390, 844), ("laptop", 1280, 800)])
def test_the_dashboard_chart_images_load_and_show(site, artifacts, size):
    """The "Chart images" card showed captions and no images in screenshots at 390x844 and
    1280x800: they were taken before the server's PNGs (matplotlib, drawn per request)
    arrived. Each image is requested once, answers 200 image/png, loads (naturalWidth > 0)
    and is shown at the card's width with the PNG's proportions."""
    context, base_url = site
    name, width, height = size
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    answers = []
    page.on("response", lambda response: "/charts/" in response.url and answers.append(
        (response.url, response.status, response.headers.get("content-type"))))
    try:
        page.goto(f"{base_url}/dashboard")
        page.wait_for_selector("body[data-dashboard-ready=yes]", state="attached")
        page.wait_for_function("() => [...document.querySelectorAll('#server-charts img')]"
                               ".some((image) => image.complete && image.naturalWidth > 0)")
        page.wait_for_function("() => document.querySelectorAll('#server-charts img').length === 3 && "
                               "[...document.querySelectorAll('#server-charts img')]"
                               ".every((image) => image.complete && image.naturalWidth > 0)")
        page.locator("#server-charts").scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / f"dashboard-chart-images-{name}.png"), full_page=True)
        print(name, "chart image requests (ms):", page.evaluate(
            "() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/charts/'))"
            ".map((e) => [e.name.split('/charts/')[1].split('.png')[0], Math.round(e.startTime), Math.round(e.duration)])"))
        images = page.evaluate(CHART_IMAGES)
        assert len(images) == 3, images
        assert sorted(url.split("/charts/")[1].split(".png")[0] for url, _, _ in answers) == \
            ["cumulative", "hourly", "occupancy"], answers
        assert all(status == 200 and kind == "image/png" for _, status, kind in answers), answers
        for image in images:
            assert (image["naturalWidth"], image["naturalHeight"]) == (800, 360) and \
                image["display"] != "none" and \
                image["visibility"] == "visible", image
            # shown with the PNG's proportions (800 x 360), never squeezed to its border
            assert image["width"] > 100 and abs(image["height"] - image["width"] * 0.45) <= 3, image
    finally:
        page.close()


def test_the_dashboard_chart_images_have_their_place_while_the_server_draws_them(site, artifacts):
    """Until its PNG arrived an image was a 2-pixel line (its border) over its caption: the
    card read as captions without images, and the page moved when they came. Held back here,
    each has its place at the PNG's proportions from the start."""
    context, base_url = site
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    held = []
    page.route("**/charts/*.png*", lambda route: held.append(route))
    try:
        page.goto(f"{base_url}/dashboard")
        page.wait_for_selector("body[data-dashboard-ready=yes]", state="attached")
        page.wait_for_function("() => document.querySelectorAll('#server-charts img').length === 3")
        page.wait_for_timeout(300)
        waiting = page.evaluate(CHART_IMAGES)
        page.locator("#server-charts").scroll_into_view_if_needed()
        page.locator("#server-charts").screenshot(path=str(artifacts / "dashboard-chart-images-drawing.png"))
        assert all(image["naturalWidth"] == 0 for image in waiting), waiting   # still held
        for image in waiting:
            assert image["width"] > 100 and abs(image["height"] - image["width"] * 0.45) <= 3, waiting
        for route in held:
            route.continue_()
        page.wait_for_function("() => [...document.querySelectorAll('#server-charts img')]"
                               ".every((image) => image.complete && image.naturalWidth > 0)")
        shown = page.evaluate(CHART_IMAGES)
        assert [(i["width"], i["height"]) for i in shown] == [(i["width"], i["height"]) for i in waiting]
    finally:
        page.unroute("**/charts/*.png*")
        page.close()
