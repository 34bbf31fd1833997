"""Alerts from alert_start/alert_end events, the alerts list with filters, and signed
webhooks with retries (delivered to a loopback HTTP server)."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from backend.services.webhooks import Delivery, RetryPolicy, deliver, sign
from tests.backend.conftest import sample


class Hook:
    """A loopback HTTP server that fails the first `failures` calls with 500."""

    def __init__(self, failures: int = 0) -> None:
        self.calls: list[dict] = []
        self.failures = failures
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                hook.calls.append({"body": body, "headers": headers, "path": self.path})
                status = 500 if len(hook.calls) <= hook.failures else 204
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook():
    server = Hook(failures=1)
    yield server
    server.close()


def wait_for(predicate, seconds: float = 120.0):
    """Polls until predicate() is truthy (bounded, generously: it returns as soon as the
    condition holds, and a busy machine may take long); returns its last value."""
    deadline = time.monotonic() + seconds
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(0.05)
        value = predicate()
    return value


def test_deliver_retries_then_succeeds_with_a_valid_signature(hook):
    sleeps = []
    delivery = Delivery(url=hook.url, secret="s3cret", event="alert_start",
                        payload={"a": 1}, alert_id=1)
    assert deliver(delivery, RetryPolicy(attempts=3, backoff_seconds=0.5, allow_private=True),
                   sleep=sleeps.append) == "delivered"
    assert len(hook.calls) == 2 and sleeps == [0.5]
    call = hook.calls[-1]
    expected = "sha256=" + hmac.new(b"s3cret", call["body"], hashlib.sha256).hexdigest()
    assert call["headers"]["x-peoplecounter-signature"] == expected == sign("s3cret",
                                                                             call["body"])
    assert call["headers"]["x-peoplecounter-event"] == "alert_start"


def test_deliver_gives_up_after_the_attempts():
    failing = Hook(failures=10)
    try:
        delivery = Delivery(url=failing.url, secret="k", event="alert_end", payload={},
                            alert_id=1)
        assert deliver(delivery, RetryPolicy(attempts=3, allow_private=True),
                       sleep=lambda s: None) == \
            "failed: HTTP 500"
        assert len(failing.calls) == 3
    finally:
        failing.close()


@pytest.mark.parametrize("url, logged", [
    ("https://hooks.slack.com/services/T000/B000/XXXXSECRET", "https://hooks.slack.com/…"),
    ("https://user:pa55@example.com:8443/hook?token=abc#x", "https://example.com:8443/…"),
    ("http://[2001:db8::1]/", "http://[2001:db8::1]/"),
    ("http://example.com", "http://example.com/"),
])
def test_the_log_of_a_failed_delivery_shows_no_path_query_or_credentials(url, logged, caplog):
    """Many receivers' addresses are their secret (a Slack incoming webhook is a token in the
    path): a failed delivery's warning names scheme, host and port only."""
    from backend.services.webhooks import url_for_log

    assert url_for_log(url) == logged
    failing = Hook(failures=10)
    try:
        secret_url = failing.url + "/T000/B000/XXXXSECRET?token=abc"
        delivery = Delivery(url=secret_url, secret="k", event="alert_end", payload={}, alert_id=1)
        with caplog.at_level("WARNING"):
            deliver(delivery, RetryPolicy(attempts=1, allow_private=True), sleep=lambda s: None)
        text = caplog.text
        assert "failed: HTTP 500" in text and f"127.0.0.1:{failing.server.server_port}" in text
        assert "XXXXSECRET" not in text and "token=abc" not in text
    finally:
        failing.close()


def test_alert_events_open_and_close_alerts_and_call_the_webhook(app, alice, hook):
    app.config["WEBHOOK_BACKOFF_SECONDS"] = 0.01
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True  # the receiver is on 127.0.0.1
    zone = alice.create_zone(name="Queue", threshold=3, hold_seconds=2,
                             webhook_url=hook.url)
    key = f"zone-{zone['id']}"
    run = alice.create_run()
    start = alice.post_batch(run["id"], [sample("2026-03-01T10:00:00Z", key, occupancy=4)],
                             [{"ts": "2026-03-01T10:00:02Z", "zone_key": key,
                               "kind": "alert_start", "value": 4}])
    assert start.status_code == 201
    opened = alice.get(f"/api/alerts?run_id={run['id']}").get_json()
    assert opened["total"] == 1
    alert = opened["items"][0]
    assert (alert["zone_id"], alert["zone_key"], alert["zone_name"]) == (zone["id"], key,
                                                                          "Queue")
    assert (alert["threshold"], alert["peak_occupancy"], alert["ended_at"]) == (3, 4, None)
    alice.post_batch(run["id"], [sample("2026-03-01T10:00:05Z", key, occupancy=7)])
    alice.post_batch(run["id"], [], [{"ts": "2026-03-01T10:01:00Z", "zone_key": key,
                                      "kind": "alert_end", "value": 2}])
    closed = alice.get(f"/api/alerts?run_id={run['id']}").get_json()["items"][0]
    assert closed["ended_at"] == "2026-03-01T10:01:00.000Z" and closed["peak_occupancy"] == 7
    # start: one failure then success; end: success at once.
    assert wait_for(lambda: len(hook.calls) >= 3)
    assert wait_for(lambda: alice.get("/api/alerts").get_json()["items"][0]
                    ["webhook_status"] == "delivered")
    bodies = [json.loads(call["body"]) for call in hook.calls]
    assert [b["event"] for b in bodies] == ["alert_start", "alert_start", "alert_end"]
    assert bodies[0]["zone"] == {"id": zone["id"], "key": key, "name": "Queue"}
    for call in hook.calls:
        assert call["headers"]["x-peoplecounter-signature"] == sign(zone["webhook_secret"],
                                                                    call["body"])
    # A retry carries the same Idempotency-Key; the two deliveries have different ones.
    keys = [call["headers"]["idempotency-key"] for call in hook.calls]
    assert keys[0] == keys[1] != keys[2] and all(len(key) == 32 for key in keys)


def test_alert_list_filters_and_pages(alice):
    run_a, run_b = alice.create_run(), alice.create_run()
    for run, minute in ((run_a, 0), (run_a, 5), (run_b, 10)):
        alice.post_batch(run["id"], [], [{"ts": f"2026-03-01T10:{minute:02d}:00Z",
                                          "zone_key": "frame", "kind": "alert_start"}])
    alice.post_batch(run_a["id"], [], [{"ts": "2026-03-01T10:06:00Z", "zone_key": "frame",
                                        "kind": "alert_end"}])
    everything = alice.get("/api/alerts").get_json()
    assert everything["total"] == 3
    assert [a["started_at"][11:16] for a in everything["items"]] == ["10:10", "10:05", "10:00"]
    assert alice.get(f"/api/alerts?run_id={run_a['id']}").get_json()["total"] == 2
    active = alice.get("/api/alerts?active=true").get_json()["items"]
    assert sorted(a["started_at"][11:16] for a in active) == ["10:00", "10:10"]
    assert alice.get("/api/alerts?active=false").get_json()["total"] == 1
    assert alice.get("/api/alerts?since=2026-03-01T10:04:00Z").get_json()["total"] == 2
    page = alice.get("/api/alerts?per_page=2&page=2").get_json()
    assert (page["total"], len(page["items"])) == (3, 1)
    bad = alice.get("/api/alerts?active=perhaps&page=0")
    assert bad.status_code == 422 and {"active", "page"} <= set(bad.get_json()["fields"])


def test_another_users_alerts_are_hidden(alice, bob):
    run = alice.create_run()
    alice.post_batch(run["id"], [], [{"ts": "2026-03-01T10:00:00Z", "zone_key": "frame",
                                      "kind": "alert_start"}])
    assert bob.get("/api/alerts").get_json()["total"] == 0
    # A filter naming another user's run is a 404 (DESIGN: another user's id is a 404).
    assert bob.get(f"/api/alerts?run_id={run['id']}").status_code == 404
    assert alice.get("/api/alerts").get_json()["total"] == 1
