"""Deleting an IP camera on the monitor: a camera with zones asks once, naming them, then goes
with its zones (and their webhooks); a camera's zones are never offered as a webcam; and a
camera name with bidi controls cannot turn the status line around."""
from __future__ import annotations

import pytest

from tests.e2e.monitor_helpers import register_and_login
from tests.e2e.test_dashboard import post_json

pytestmark = pytest.mark.e2e
# A lone U+2069 closed the old fence early, and the override after it turned the rest of
# the status line around.
NAME = "Door\u2069\u202e cam"
STATUS = "() => document.querySelector('#status-area [data-status-message]').textContent"
# Whether a word of the status line reads left to right on the screen: the left edge of
# each of its letters, in text order, grows.
READS_LEFT_TO_RIGHT = """(word) => {
  const node = document.querySelector('#status-area [data-status-message]').firstChild;
  const at = node.textContent.lastIndexOf(word);
  const lefts = [...word].map((_, i) => {
    const range = document.createRange();
    range.setStart(node, at + i); range.setEnd(node, at + i + 1);
    return range.getBoundingClientRect().left;
  });
  return lefts.every((left, i) => i === 0 || left > lefts[i - 1]);
}"""


def test_a_camera_with_zones_asks_once_and_goes_with_them(live_server, page):
    register_and_login(page, live_server.url, "camdelete")
    page.goto(f"{live_server.url}/monitor")
    page.wait_for_selector("body[data-monitor-ready=yes]")
    camera = post_json(page, "/api/cameras", {"name": NAME, "url": "rtsp://127.0.0.1:9/x"})
    assert camera["status"] == 201
    key = camera["body"]["camera_key"]
    for name in ("Queue", "Till"):
        assert post_json(page, "/api/zones", {
            "name": name, "kind": "polygon", "camera_key": key, "frame_width": 640,
            "frame_height": 480, "geometry": {"points": [[10, 10], [300, 10], [300, 300]]}},
        )["status"] == 201
    page.reload()
    page.wait_for_selector("body[data-monitor-ready=yes]")
    # The webcam tab lists no "ipcam-…" camera.
    saved = page.eval_on_selector_all("#saved-camera option", "(options) => options.map((o) => o.value)")
    assert not any(value.startswith("ipcam") for value in saved), saved

    page.click("[data-testid=tab-ipcam]")
    page.wait_for_function("() => !document.getElementById('ipcam-delete').disabled")
    page.click("[data-testid=ipcam-delete]")
    page.wait_for_function(f"() => ({STATUS})().includes('Really delete?')")
    question = page.evaluate(STATUS)
    assert "its 2 zones (“Queue”, “Till”) and their webhooks too" in question
    assert "its sessions and counts are kept" in question
    assert page.inner_text("[data-testid=ipcam-delete]") == "Really delete?"
    assert page.evaluate(READS_LEFT_TO_RIGHT, "ahead")
    assert len(page.evaluate("() => fetch('/api/cameras').then((r) => r.json())")["items"]) == 1

    page.click("[data-testid=ipcam-delete]")
    page.wait_for_function(f"() => ({STATUS})().startsWith('Deleted')")
    assert "and its 2 zones (with their webhooks). Its sessions and counts are kept." in page.evaluate(STATUS)
    assert page.evaluate(READS_LEFT_TO_RIGHT, "kept")
    assert page.evaluate("() => fetch('/api/cameras').then((r) => r.json())")["items"] == []
    assert page.evaluate("() => fetch('/api/zones').then((r) => r.json())")["items"] == []
