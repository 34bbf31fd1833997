"""Zone webhooks through /api/webhooks and /api/zones/<id>/webhook: list, set, refuse
addresses inside the network (with the reason), test now, remove; another user's zone is a
404."""
from __future__ import annotations

import json
import socket

import pytest
import sqlalchemy as sa

from backend.services.webhooks import describe_status, sign
from tests.backend.conftest import sample
from tests.backend.test_api_alerts import Hook

PUBLIC = "https://hooks.example.com/people-counter"


def webhook(user, zone_id, url):
    return user.put(f"/api/zones/{zone_id}/webhook", json={"url": url})


def start_alert(user, zone_id, **run_options) -> tuple[str, dict]:
    """A run whose zone goes over its limit: one sample of 4 people and an alert_start; returns
    the zone's key and the run."""
    key = f"zone-{zone_id}"
    run = user.create_run(**run_options)
    assert user.post_batch(run["id"], [sample("2026-03-01T10:00:00Z", key, occupancy=4)],
                           [{"ts": "2026-03-01T10:00:02Z", "zone_key": key,
                             "kind": "alert_start", "value": 4}]).status_code == 201
    return key, run


def test_list_set_replace_and_remove(alice):
    video_less = alice.create_zone(name="Queue", threshold=5)
    plain = alice.create_zone(name="Hall")
    alice.create_zone(name="Door", kind="line", geometry={"points": [[10, 10], [100, 10]]})
    listed = alice.get("/api/webhooks").get_json()
    assert listed["items"] == []
    assert [(z["zone_name"], z["place"], z["threshold"], z["url"]) for z in listed["zones"]] == [
        ("Queue", "Camera “front-door”", 5, None), ("Hall", "Camera “front-door”", None, None)]

    answer = webhook(alice, video_less["id"], PUBLIC)
    assert answer.status_code == 200, answer.get_json()
    saved = answer.get_json()
    assert (saved["zone_name"], saved["url"], saved["zone_key"]) == (
        "Queue", PUBLIC, f"zone-{video_less['id']}")
    assert len(saved["secret"]) == 40
    # The zone itself says the same, and its shape is untouched.
    zone = alice.get(f"/api/zones/{video_less['id']}").get_json()
    assert (zone["webhook_url"], zone["webhook_secret"]) == (PUBLIC, saved["secret"])
    assert zone["geometry"] == video_less["geometry"] and zone["threshold"] == 5
    # Replacing the address keeps the secret (receivers keep checking with it).
    replaced = webhook(alice, video_less["id"], PUBLIC + "/v2").get_json()
    assert (replaced["url"], replaced["secret"]) == (PUBLIC + "/v2", saved["secret"])
    listed = alice.get("/api/webhooks").get_json()
    assert [item["zone_id"] for item in listed["items"]] == [video_less["id"]]

    assert alice.delete(f"/api/zones/{video_less['id']}/webhook").status_code == 204
    zone = alice.get(f"/api/zones/{video_less['id']}").get_json()
    assert (zone["webhook_url"], zone["webhook_secret"]) == (None, None)
    assert alice.get("/api/webhooks").get_json()["items"] == []
    assert alice.get(f"/api/zones/{plain['id']}").get_json()["webhook_url"] is None


def test_a_video_zone_is_named_by_its_video(alice, app):
    from backend.db import transaction
    from backend.repositories import videos as video_repo

    with app.app_context(), transaction() as conn:
        video_id = video_repo.create(conn, alice.id, original_name="till <b>2</b>.mp4",
                                     stored_name="x.mp4", content_type="video/mp4",
                                     size_bytes=1, metadata={})
    alice.create_zone(name="Till", camera_key=None, video_id=video_id)
    [zone] = alice.get("/api/webhooks").get_json()["zones"]
    assert zone["place"] == "Video “till <b>2</b>.mp4”"


@pytest.mark.parametrize("url, reason", [
    ("http://127.0.0.1:6379/", "loopback address 127.0.0.1"),
    ("http://localhost:5000/api/profile", "localhost is this server itself"),
    ("http://app.localhost/", "this server itself"),
    ("http://10.0.0.5/hook", "private address 10.0.0.5"),
    ("http://192.168.1.20/", "private address 192.168.1.20"),
    ("http://169.254.169.254/latest/meta-data/", "link-local address 169.254.169.254"),
    ("http://[::1]:8080/", "loopback address ::1"),
    ("http://[::ffff:127.0.0.1]/", "loopback address 127.0.0.1"),
    # Short IPv4 forms the URL check turns down were refused as "not a whole address".
    ("http://127.1/", "loopback address 127.0.0.1"),
    ("http://10.1/hook", "private address 10.0.0.1"),
    ("http://0x7f.1/", "loopback address 127.0.0.1"),
    ("http://0177.0.0.1/", "loopback address 127.0.0.1"),
    ("http://192.168.1/", "private address 192.168.0.1"),
    ("http://8.8/", "whole http:// or https:// address"),   # public, but still not whole
    ("http://exa mple.com/", "whole http:// or https:// address"),
    # Saved, then every delivery failed (and was retried) connecting to port 0.
    ("https://hooks.example.com:0/alerts", "port 0 is not a port a receiver can listen on"),
    ("http://2130706433/", "loopback address 127.0.0.1"),
    ("http://0x7f000001/", "loopback address 127.0.0.1"),
    ("http://0/", "unspecified address 0.0.0.0"),
    ("http://user:secret@hooks.example.com/", "user name or password"),
    ("ftp://hooks.example.com/", "http:// or https://"),
    ("javascript:alert(1)", "http:// or https://"),
    ("hooks.example.com/no-scheme", "http:// or https://"),
    ("https://hooks.example.com/" + "a" * 500, "at most 500 characters"),
    # Saved, then refused only when sent: a trailing dot, and the site-local block.
    ("http://127.0.0.1./", "loopback address 127.0.0.1"),
    ("http://10.0.0.7.:8080/hook", "private address 10.0.0.7"),
    ("http://[fec0::1]/", "site-local address fec0::1"),
])
def test_addresses_inside_the_network_are_refused_with_the_reason(alice, url, reason):
    zone = alice.create_zone(name="Queue", threshold=5)
    answer = webhook(alice, zone["id"], url)
    assert answer.status_code == 422
    body = answer.get_json()
    assert reason in " ".join(body["fields"]["url"]), body
    if "address " in reason:   # said for what it is, not also as a malformed address
        assert body["fields"]["url"] == [f"The server will not post to this address: the {reason} is not "
                                         "allowed."], body
    assert alice.get(f"/api/zones/{zone['id']}").get_json()["webhook_url"] is None


@pytest.mark.parametrize("body", [{}, {"url": None}, {"url": ""}, {"url": 5}, {"url": ["x"]}])
def test_a_missing_or_odd_address_is_a_field_error(alice, body):
    zone = alice.create_zone(name="Queue", threshold=5)
    answer = alice.put(f"/api/zones/{zone['id']}/webhook", json=body)
    assert answer.status_code == 422 and "url" in answer.get_json()["fields"]


def test_only_zones_raise_alerts_so_only_zones_get_webhooks(alice):
    line = alice.create_zone(name="Door", kind="line", geometry={"points": [[10, 10], [100, 10]]})
    answer = webhook(alice, line["id"], PUBLIC)
    assert answer.status_code == 409
    assert "only zones (polygons) raise occupancy alerts" in answer.get_json()["message"]


def test_another_users_zone_is_a_404(alice, bob):
    zone = alice.create_zone(name="Queue", threshold=5)
    assert webhook(alice, zone["id"], PUBLIC).status_code == 200
    assert webhook(bob, zone["id"], "https://evil.example.com/").status_code == 404
    assert bob.delete(f"/api/zones/{zone['id']}/webhook").status_code == 404
    assert bob.post(f"/api/zones/{zone['id']}/webhook/test").status_code == 404
    assert bob.get("/api/webhooks").get_json() == {"items": [], "zones": []}
    assert alice.get(f"/api/zones/{zone['id']}").get_json()["webhook_url"] == PUBLIC
    assert webhook(alice, 2**63, PUBLIC).status_code == 404


def test_a_test_is_delivered_signed(app, alice):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True   # the receiver is on 127.0.0.1
    receiver = Hook()
    try:
        zone = alice.create_zone(name="Queue", threshold=5)
        secret = webhook(alice, zone["id"], receiver.url).get_json()["secret"]
        answer = alice.post(f"/api/zones/{zone['id']}/webhook/test")
        assert answer.status_code == 200
        result = answer.get_json()
        assert (result["delivered"], result["status"]) == (True, "delivered")
        assert result["message"].startswith("Delivered")
        [call] = receiver.calls
        assert call["headers"]["x-peoplecounter-event"] == "test"
        assert call["headers"]["x-peoplecounter-signature"] == sign(secret, call["body"])
        body = json.loads(call["body"])
        assert body["event"] == "test" and body["time"] == result["sent_at"]
        assert body["zone"] == {"id": zone["id"], "key": f"zone-{zone['id']}", "name": "Queue"}
        assert body["text"] == ("Test from People Counter: alerts of Queue (limit 5) will arrive "
                                f"here. Sent {result['sent_at'].replace('T', ' ')[:19]} UTC.")
    finally:
        receiver.close()


def test_a_test_to_a_name_inside_the_network_is_not_sent(alice, monkeypatch):
    """A host name passes the save (no DNS then); the test resolves it, as every delivery
    does, and says why it was not sent."""
    zone = alice.create_zone(name="Queue", threshold=5)
    assert webhook(alice, zone["id"], "http://hooks.internal.example/").status_code == 200
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, **kwargs: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port))])
    result = alice.post(f"/api/zones/{zone['id']}/webhook/test").get_json()
    assert result["delivered"] is False
    assert result["message"] == ("Not sent: hooks.internal.example is a private address "
                                 "10.1.2.3. Webhooks go only to public internet addresses.")


def test_test_sends_are_limited_per_user_and_a_refused_one_does_not_count(app, alice, bob, monkeypatch):
    """Each test holds a worker for up to the webhook timeout and says how the receiver
    answered: at most WEBHOOK_TEST_MAX a window per user (429 with Retry-After); another user
    has their own; a refused send is not stored, so waiting is enough."""
    from datetime import timedelta

    from backend.api import webhooks as webhooks_api

    app.config.update(WEBHOOK_TEST_MAX=3, WEBHOOK_TEST_WINDOW_SECONDS=60)
    sent = []
    monkeypatch.setattr(webhooks_api, "send_test", lambda zone, key, at, policy: sent.append(key) or "delivered")
    clock = {"now": webhooks_api.utcnow()}
    monkeypatch.setattr(webhooks_api, "utcnow", lambda: clock["now"])
    zone = alice.create_zone(name="Queue", threshold=5)
    assert webhook(alice, zone["id"], PUBLIC).status_code == 200
    answers = []
    for _ in range(3):
        answers.append(alice.post(f"/api/zones/{zone['id']}/webhook/test"))
        clock["now"] += timedelta(seconds=10)
    assert [a.status_code for a in answers] == [200, 200, 200]
    refused = alice.post(f"/api/zones/{zone['id']}/webhook/test")
    assert refused.status_code == 429
    assert refused.get_json()["message"] == "At most 3 test sends a minute: try again in 30 s."
    assert refused.headers["Retry-After"] == "30"
    assert len(sent) == 3, "the refused test was not sent"
    # Bob's own zone is not held back by Alice's tests.
    bobs = bob.create_zone(name="Door", threshold=2)
    assert webhook(bob, bobs["id"], PUBLIC).status_code == 200
    assert bob.post(f"/api/zones/{bobs['id']}/webhook/test").status_code == 200
    # Refused sends are not kept: once the first leaves the window one more may go.
    for _ in range(3):
        assert alice.post(f"/api/zones/{zone['id']}/webhook/test").status_code == 429
    clock["now"] += timedelta(seconds=30)
    assert alice.post(f"/api/zones/{zone['id']}/webhook/test").status_code == 200
    assert alice.post(f"/api/zones/{zone['id']}/webhook/test").status_code == 429


def test_a_zone_without_a_webhook_has_nothing_to_test(alice):
    zone = alice.create_zone(name="Queue", threshold=5)
    answer = alice.post(f"/api/zones/{zone['id']}/webhook/test")
    assert answer.status_code == 409 and "has no webhook" in answer.get_json()["message"]


@pytest.mark.parametrize("args, text", [
    (("alert_start", "Till", 1, None, "2026-03-01T10:00:02.000Z"),
     "Till: 1 person now. Alert started 2026-03-01 10:00:02 UTC."),
    (("alert_end", "Till", 2, 5, "2026-03-01T10:05:00.000Z"),
     "Till: down to 2 people (limit 5). Alert ended 2026-03-01 10:05:00 UTC."),
    (("alert_end", None, None, None, "2026-03-01T10:05:00.000Z"),
     "A zone: back under the limit. Alert ended 2026-03-01 10:05:00 UTC."),
])
def test_the_text_of_a_delivery(args, text):
    from backend.services.webhooks import alert_text

    assert alert_text(*args) == text


@pytest.mark.parametrize("status, words", [
    ("delivered", "Delivered: the receiver answered with a 2xx status."),
    ("failed: HTTP 500", "Not delivered: the receiver answered HTTP 500."),
    ("failed: redirect (HTTP 302) not followed",
     "Not delivered: the receiver answered with a redirect (HTTP 302); redirects are not "
     "followed, so give the final address."),
    ("failed: ConnectionRefusedError",
     "Not delivered: the receiver refused the connection (nothing listens there)."),
    ("failed: TimeoutError", "Not delivered: the receiver did not answer in time."),
    ("failed: refused target: cannot resolve nowhere.example ([Errno -2] Name or service "
     "not known)", "Not sent: cannot resolve nowhere.example ([Errno -2] Name or service not "
     "known). Check the host name."),
    ("failed: BadStatusLine", "Not delivered: the request failed (BadStatusLine)."),
])
def test_delivery_statuses_in_words(status, words):
    assert describe_status(status) == words


def test_the_webhooks_page_is_in_the_navigation(client, signed_in):
    home = client.get("/").get_data(as_text=True)
    assert '<a href="/webhooks" class="">Webhooks</a>' in home
    page = client.get("/webhooks")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<h1>Webhooks</h1>" in text and 'id="webhook-form"' in text
    assert '<a href="/webhooks" class="active">Webhooks</a>' in text
    # Where a zone's alert limit is set (the monitor's zone panel), and on the home page.
    assert '<a href="/webhooks" data-testid="webhooks-link">webhook</a>' in \
        client.get("/monitor").get_data(as_text=True)
    assert 'by <a href="/webhooks">webhooks</a>' in home


def test_the_webhooks_page_needs_a_login(client):
    answer = client.get("/webhooks")
    assert answer.status_code == 302 and "/auth/login" in answer.headers["Location"]
    assert "/webhooks" not in client.get("/").get_data(as_text=True)


def test_the_list_shows_each_webhooks_last_alert_delivery(app, alice, bob):
    from tests.backend.test_api_alerts import wait_for

    app.config["WEBHOOK_ALLOW_PRIVATE"] = True   # the receiver is on 127.0.0.1
    app.config["WEBHOOK_BACKOFF_SECONDS"] = 0.01
    receiver = Hook(failures=1)
    try:
        zone = alice.create_zone(name="Queue", threshold=3)
        quiet = alice.create_zone(name="Hall", threshold=3)
        for hooked in (zone, quiet):
            assert webhook(alice, hooked["id"], receiver.url).status_code == 200
        key, _ = start_alert(alice, zone["id"])

        def last():
            listed = alice.get("/api/webhooks").get_json()["items"]
            items = {item["zone_name"]: item for item in listed}
            return items["Queue"]["last_delivery"], items["Hall"]["last_delivery"]

        assert wait_for(lambda: (last()[0] or {}).get("status") == "delivered")
        delivery, none_yet = last()
        assert none_yet is None
        assert (delivery["event"], delivery["attempts"], delivery["result"]) == (
            "alert_start", 2, "delivered")
        assert delivery["message"].startswith("Delivered") and delivery["sent_at"]
        # A sentence a chat channel shows as it is (Slack's and Mattermost's incoming
        # webhooks answer 400 to a body without `text`).
        body = json.loads(receiver.calls[-1]["body"])
        assert body["text"] == ("Queue: 4 people now (limit 3). Alert started 2026-03-01 "
                                "10:00:02 UTC.")
        # Another user's deliveries are not theirs to see, even for the same zone key.
        assert bob.get("/api/webhooks").get_json()["items"] == []
    finally:
        receiver.close()


def test_a_browser_session_needs_the_csrf_header_to_change_or_test_a_webhook(app, alice):
    """Another site cannot make a logged-in browser point a zone's alerts elsewhere, remove
    them or fire tests."""
    zone = alice.create_zone(name="Queue", threshold=5)
    client = app.test_client()
    with client.session_transaction() as session:
        session["user_id"] = alice.id
        session["csrf_token"] = "t"
    path = f"/api/zones/{zone['id']}/webhook"
    for method, url, body in [("put", path, {"url": PUBLIC}), ("delete", path, None),
                              ("post", path + "/test", None)]:
        refused = getattr(client, method)(url, json=body)
        assert refused.status_code == 403 and refused.get_json()["error"] == "csrf_failed"
    assert client.get("/api/webhooks").status_code == 200
    assert client.put(path, json={"url": PUBLIC}, headers={"X-CSRF-Token": "t"}).status_code == 200


@pytest.mark.parametrize("remove", ["webhook", "zone"])
def test_removing_a_webhook_stops_its_waiting_deliveries(app, alice, remove):
    """A delivery waiting for a retry was still sent to the removed address afterwards (the
    webhook removed, or its zone deleted)."""
    from tests.backend.test_api_alerts import wait_for

    app.config["WEBHOOK_ALLOW_PRIVATE"] = True   # the receiver is on 127.0.0.1
    app.config["WEBHOOK_BACKOFF_SECONDS"] = 600   # the retry waits: it is still pending
    receiver = Hook(failures=100)
    try:
        zone = alice.create_zone(name="Queue", threshold=3)
        assert webhook(alice, zone["id"], receiver.url).status_code == 200
        key, _ = start_alert(alice, zone["id"])

        def last():
            items = alice.get("/api/webhooks").get_json()["items"]
            return items[0]["last_delivery"] if items else None

        assert wait_for(lambda: (last() or {}).get("attempts") == 1)
        assert last()["status"] == "pending"
        if remove == "zone":
            assert alice.delete(f"/api/zones/{zone['id']}").status_code == 204
            [alert] = alice.get("/api/alerts").get_json()["items"]
            assert alert["webhook_status"] == "cancelled: webhook removed"
            return
        assert alice.delete(f"/api/zones/{zone['id']}/webhook").status_code == 204
        [alert] = alice.get("/api/alerts").get_json()["items"]
        assert alert["webhook_status"] == "cancelled: webhook removed"
        assert webhook(alice, zone["id"], receiver.url).status_code == 200
        delivery = last()
        assert (delivery["status"], delivery["result"]) == ("failed",
                                                            "cancelled: webhook removed")
        assert delivery["message"] == ("Not sent: the webhook was removed before this delivery "
                                       "went out.")
        assert len(receiver.calls) == 1
    finally:
        receiver.close()


def test_deleting_a_video_stops_its_zones_waiting_deliveries(app, alice):
    """Deleting a video deleted its zones but their deliveries still waiting (a retry, and the
    alert's end queued behind it for its first try) were still posted afterwards."""
    from backend.db import transaction
    from backend.repositories import videos as video_repo
    from backend.schema import alerts, webhook_outbox
    from tests.backend.test_api_alerts import wait_for

    app.config["WEBHOOK_ALLOW_PRIVATE"] = True   # the receiver is on 127.0.0.1
    app.config["WEBHOOK_BACKOFF_SECONDS"] = 600   # the retry waits: it is still pending
    receiver = Hook(failures=100)
    try:
        with app.app_context(), transaction() as conn:
            video_id = video_repo.create(conn, alice.id, original_name="till.mp4",
                                         stored_name="till.mp4", content_type="video/mp4",
                                         size_bytes=1, metadata={})
        zone = alice.create_zone(name="Till", threshold=3, camera_key=None, video_id=video_id)
        kept = alice.create_zone(name="Door", threshold=3)   # another source's zone
        for hooked in (zone, kept):
            assert webhook(alice, hooked["id"], receiver.url).status_code == 200
        key, run = start_alert(alice, zone["id"], source_kind="video", camera_key=None, video_id=video_id)

        def rows():
            with app.app_context(), transaction() as conn:
                return [dict(row) for row in conn.execute(
                    sa.select(webhook_outbox.c.zone_key, webhook_outbox.c.event,
                              webhook_outbox.c.status, webhook_outbox.c.attempts,
                              webhook_outbox.c.last_result)
                    .order_by(webhook_outbox.c.id)).mappings()]

        assert wait_for(lambda: rows()[0]["attempts"] == 1)
        # The end waits behind the start's retry: its first try is still to come.
        assert alice.post_batch(run["id"], [], [{"ts": "2026-03-01T10:00:09Z", "zone_key": key,
                                                 "kind": "alert_end", "value": 2}]
                                ).status_code == 201
        assert [(r["event"], r["status"], r["attempts"]) for r in rows()] == [
            ("alert_start", "pending", 1), ("alert_end", "pending", 0)]

        assert alice.delete(f"/api/videos/{video_id}").status_code == 204
        assert [(r["event"], r["status"], r["last_result"]) for r in rows()] == [
            ("alert_start", "failed", "cancelled: webhook removed"),
            ("alert_end", "failed", "cancelled: webhook removed")]
        with app.app_context(), transaction() as conn:
            assert conn.execute(sa.select(alerts.c.webhook_status)).scalars().all() == [
                "cancelled: webhook removed"]
        assert len(receiver.calls) == 1
        # The other zone's webhook is untouched.
        assert alice.get(f"/api/zones/{kept['id']}").get_json()["webhook_url"] == receiver.url
    finally:
        receiver.close()
