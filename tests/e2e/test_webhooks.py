"""The Webhooks page in Debian's Chromium against the real server: a new user finds it in the
menu, is told to draw a zone first, adds a webhook, gets the server's reason when an address
points inside its network (nothing saved), sends a test, reads the secret, removes it; at a
phone's width too. Screenshots go to test-artifacts/webhooks-*.png."""
from __future__ import annotations

import json
import socket

import pytest

from backend.services.webhooks import sign
from tests.backend.test_api_alerts import Hook
from tests.e2e.monitor_helpers import page_overflow, register_and_login
from tools.harness import LiveServer, make_app

pytestmark = pytest.mark.e2e

CREATE_ZONE = """async ([name, threshold]) => {
    const csrf = document.querySelector('meta[name=csrf-token]').content;
    const answer = await fetch('/api/zones', {method: 'POST', headers: {'Content-Type': 'application/json',
        'X-CSRF-Token': csrf}, body: JSON.stringify({name, kind: 'polygon', camera_key: 'front-door',
        frame_width: 640, frame_height: 480, threshold,
        geometry: {points: [[10, 10], [200, 10], [200, 200], [10, 200]]}})});
    return answer.status;
}"""


def status_text(page) -> str:
    return page.inner_text("[data-testid=status-area]")


def save(page, url: str) -> None:
    page.fill("[data-testid=webhook-url]", url)
    page.click("[data-testid=webhook-save]")


def url_error(page) -> str:
    page.wait_for_selector("[data-testid=webhook-url-error]:not([hidden])")
    return page.inner_text("[data-testid=webhook-url-error]")


def test_add_refuse_test_and_remove_a_webhook(live_server, page, artifacts):
    base = live_server.url
    register_and_login(page, base, "hooker")
    # Found in the menu (on a phone: behind the menu button).
    page.set_viewport_size({"width": 390, "height": 844})
    page.click("label.nav-toggle-label")
    page.click("nav >> text=Webhooks")
    page.wait_for_url(f"{base}/webhooks")
    page.wait_for_selector("[data-testid=webhooks-empty]")
    assert "First draw a zone on the monitor (Polygon or Rectangle" in page.inner_text(
        "[data-testid=webhook-list]")
    assert page.is_disabled("[data-testid=webhook-save]")
    assert page_overflow(page) <= 0
    page.screenshot(path=str(artifacts / "webhooks-empty-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})

    assert page.evaluate(CREATE_ZONE, ["Checkout queue", 5]) == 201
    assert page.evaluate(CREATE_ZONE, ["Hall", None]) == 201
    page.reload()
    page.wait_for_selector("[data-testid=webhook-zone] option >> text=Checkout queue (alerts above 5)",
                           state="attached")
    assert page.inner_text("[data-testid=webhook-count]") == "0 webhooks"

    # Nothing chosen, nothing typed: both fields say what they need.
    page.click("[data-testid=webhook-save]")
    assert "Choose the zone" in page.inner_text("#webhook-zone-error")
    assert "Give the address" in url_error(page)
    page.select_option("[data-testid=webhook-zone]", label="Checkout queue (alerts above 5)")

    # Addresses inside the server's network are refused, with the reason, and nothing is saved.
    for url, reason in [
            ("http://127.0.0.1:6379/", "the loopback address 127.0.0.1 is not allowed"),
            ("http://169.254.169.254/latest/meta-data/", "link-local address 169.254.169.254"),
            ("http://localhost:5000/api/profile", "localhost is this server itself"),
            ("http://10.0.0.8/hook", "the private address 10.0.0.8 is not allowed"),
            ("ftp://hooks.example.com/", "http:// or https://")]:
        save(page, url)
        page.wait_for_function("(url) => !document.querySelector('[data-testid=webhook-url-error]').hidden"
                               " && document.querySelector('[data-testid=webhook-url-error]').textContent"
                               " .length > 0 && document.querySelector('[data-testid=webhook-save]').disabled"
                               " === false", arg=url)
        assert reason in url_error(page), url
        assert "Nothing saved" in status_text(page)
        assert page.input_value("[data-testid=webhook-url]") == url   # kept to correct
    assert page.get_attribute("[data-testid=webhook-url]", "aria-invalid") == "true"
    page.screenshot(path=str(artifacts / "webhooks-refused.png"), full_page=True)
    assert page.locator("[data-testid=webhook-item]").count() == 0

    # A name the server's resolver puts inside its network passes the save (no DNS then),
    # and the test, which resolves it as every delivery does, says why it was not sent.
    host = socket.gethostname()
    resolved = {info[4][0] for info in socket.getaddrinfo(host, 80)}
    assert resolved and not any(__import__("ipaddress").ip_address(a).is_global for a in resolved), \
        f"this test needs the machine's name ({host}: {resolved}) to resolve inside the network"
    save(page, f"http://{host}:9/alerts")
    page.wait_for_selector("[data-testid=webhook-item]")
    assert "Saved the webhook of “Checkout queue”" in status_text(page)
    assert page.inner_text("[data-testid=webhook-count]") == "1 webhook"
    item = page.locator("[data-testid=webhook-item]")
    assert f"http://{host}:9/alerts" in item.inner_text()
    assert "alerts above 5" in item.inner_text()
    item.locator("[data-testid=webhook-test]").click()
    page.wait_for_function("() => document.querySelector('[data-testid=status-area]').dataset.kind"
                           " === 'error'")
    assert f"“Checkout queue”: Not sent: {host} is a" in status_text(page)
    assert "Webhooks go only to public internet addresses." in status_text(page)

    # Another zone: no alert limit, so the card warns that it is never called.
    page.select_option("[data-testid=webhook-zone]", label="Hall (no alert limit)")
    save(page, "https://hooks.example.com/" + "very-long-path/" * 12)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=webhook-item]').length === 2")
    assert "no alert limit: never called" in page.locator("[data-testid=webhook-item]").nth(1).inner_text()

    # At a phone's width the long address wraps; nothing is wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page_overflow(page) <= 0
    page.screenshot(path=str(artifacts / "webhooks-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})

    # Remove asks once more, then the webhook is gone for the server too.
    remove = page.locator("[data-testid=webhook-item]").nth(1).locator("[data-testid=webhook-remove]")
    remove.click()
    assert remove.inner_text() == "Really remove?"
    remove.click()
    page.wait_for_function("() => document.querySelectorAll('[data-testid=webhook-item]').length === 1")
    assert "Removed the webhook of “Hall”" in status_text(page)
    listed = page.evaluate("async () => (await fetch('/api/webhooks')).json()")
    assert [item["zone_name"] for item in listed["items"]] == ["Checkout queue"]


@pytest.fixture
def lan_server(tmp_path):
    """A server set up with WEBHOOK_ALLOW_PRIVATE=true (receivers on the LAN), and a receiver
    on loopback."""
    server = LiveServer(make_app(tmp_path / "server", WEBHOOK_ALLOW_PRIVATE=True)).start()
    receiver = Hook()
    yield server, receiver
    receiver.close()
    server.stop()


def test_a_test_message_arrives_signed_with_the_secret_the_page_shows(lan_server, page, artifacts):
    server, receiver = lan_server
    register_and_login(page, server.url, "lanuser")
    page.goto(f"{server.url}/webhooks")
    assert page.evaluate(CREATE_ZONE, ["Fitting rooms", 3]) == 201
    page.reload()
    page.wait_for_selector("[data-testid=webhook-zone] option >> text=Fitting rooms (alerts above 3)",
                           state="attached")
    page.select_option("[data-testid=webhook-zone]", label="Fitting rooms (alerts above 3)")
    save(page, receiver.url)
    item = page.locator("[data-testid=webhook-item]")
    item.wait_for()
    item.get_by_role("button", name="Show secret").click()
    secret = item.locator("[data-testid=webhook-secret]").input_value()
    assert len(secret) == 40
    item.locator("[data-testid=webhook-test]").click()
    page.wait_for_function("() => document.querySelector('[data-testid=status-area]').dataset.kind"
                           " === 'success'")
    assert "“Fitting rooms”: Delivered" in status_text(page)
    [call] = receiver.calls
    assert call["headers"]["x-peoplecounter-signature"] == sign(secret, call["body"])
    assert json.loads(call["body"])["zone"]["name"] == "Fitting rooms"
    page.screenshot(path=str(artifacts / "webhooks-delivered.png"), full_page=True)

    # Change: the form takes the address; the secret stays the same.
    item.get_by_role("button", name="Change").click()
    assert page.input_value("[data-testid=webhook-url]") == receiver.url
    assert page.inner_text("[data-testid=webhook-save]") == "Replace webhook"
    save(page, receiver.url + "?v=2")
    page.wait_for_function("(url) => document.querySelector('[data-testid=webhook-item-url]')"
                           ".textContent === url", arg=receiver.url + "?v=2")
    listed = page.evaluate("async () => (await fetch('/api/webhooks')).json()")
    assert listed["items"][0]["secret"] == secret



def first_zone_picked(page, live_server, user, zone_name):
    """A new user on the Webhooks page with one zone (limit 5), picked in the form."""
    register_and_login(page, live_server.url, user)
    page.goto(f"{live_server.url}/webhooks")
    page.wait_for_selector("[data-testid=webhooks-empty]")
    assert page.evaluate(CREATE_ZONE, [zone_name, 5]) == 201
    page.reload()
    page.wait_for_selector("[data-testid=webhook-zone] option[value='1']", state="attached")
    page.select_option("[data-testid=webhook-zone]", "1")


def test_a_zone_name_with_a_right_to_left_override_does_not_turn_the_status_around(live_server, page):
    """A zone named "Till \u202eevil" (U+202E, right-to-left override) turned the rest of
    "Saved the webhook of “…”. Send a test…" around: the name is fenced in by isolates."""
    first_zone_picked(page, live_server, "bidi", "Till \u202eevil")
    save(page, "https://hooks.example.com/till")
    page.wait_for_selector("[data-testid=webhook-item]")
    assert status_text(page).startswith(
        "Saved the webhook of “\u2068Till \u202eevil\u2069”. Send a test")


def test_a_pasted_address_longer_than_500_characters_is_refused_not_cut_short(live_server, page):
    """The field's maxlength=500 cut a longer pasted address silently, and the cut address
    (pointing somewhere else) was saved: now it stays whole and the server's limit is said at
    the field."""
    first_zone_picked(page, live_server, "longurl", "Till")
    url = "https://hooks.example.com/" + "x" * 480 + "?sig=abc"
    save(page, url)
    assert "at most 500 characters" in url_error(page)
    assert page.input_value("[data-testid=webhook-url]") == url
    assert page.locator("[data-testid=webhook-item]").count() == 0
    listed = page.evaluate("async () => (await fetch('/api/webhooks')).json()")
    assert listed["items"] == []
