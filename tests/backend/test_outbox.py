"""The durable webhook outbox: rows written with the alert, sent in order per zone with
retries and an Idempotency-Key, failures recorded, targets still vetted (SSRF), and on
MariaDB a row claimed by one sender is skipped by every other."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from backend.db import get_engine
from backend.repositories import outbox as outbox_repo
from backend.schema import utcnow, webhook_outbox
from backend.services import outbox
from backend.services.webhooks import RetryPolicy
from tests.backend.test_api_alerts import Hook


@pytest.fixture
def quiet_sender(monkeypatch):
    """No background sender: the test drives send_due itself."""
    monkeypatch.setattr(outbox.OutboxSender, "notify", lambda self: None)
    monkeypatch.setattr(outbox.OutboxSender, "start_if_pending", lambda self: None)


def _alerts(alice, run_id: int, key: str, minute: int, end: bool = True) -> None:
    events = [{"ts": f"2026-03-01T10:{minute:02d}:00Z", "zone_key": key,
               "kind": "alert_start", "value": 5}]
    if end:
        events.append({"ts": f"2026-03-01T10:{minute:02d}:30Z", "zone_key": key,
                       "kind": "alert_end", "value": 1})
    assert alice.post_batch(run_id, [], events).status_code == 201


def _rows(app) -> list[dict]:
    with app.app_context(), get_engine().connect() as conn:
        return [dict(r) for r in conn.execute(
            sa.select(webhook_outbox).order_by(webhook_outbox.c.id)).mappings()]


def _send(app, **policy) -> int:
    with app.app_context():
        return outbox.send_due(get_engine(), RetryPolicy(backoff_seconds=0, **policy))


def test_batch_writes_outbox_rows_and_sender_keeps_zone_order_through_retries(
        app, alice, quiet_sender):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    hook = Hook(failures=1)
    try:
        first = alice.create_zone(name="A", threshold=3, webhook_url=hook.url)
        second = alice.create_zone(name="B", threshold=3, webhook_url=hook.url)
        run = alice.create_run()
        _alerts(alice, run["id"], f"zone-{first['id']}", 1)
        _alerts(alice, run["id"], f"zone-{second['id']}", 2, end=False)
        rows = _rows(app)
        assert [(r["event"], r["status"], r["attempts"]) for r in rows] == [
            ("alert_start", "pending", 0), ("alert_end", "pending", 0),
            ("alert_start", "pending", 0)]
        assert alice.get("/api/alerts").get_json()["items"][0]["webhook_status"] == "pending"
        assert not hook.calls  # written, not sent: nothing runs the sender here
        assert _send(app, attempts=3, allow_private=True) == 4
        sent = [(json.loads(c["body"])["zone"]["name"], c["headers"]["x-peoplecounter-event"],
                 c["headers"]["idempotency-key"]) for c in hook.calls]
        # Zone A's start failed once: B went meanwhile, A's end waited for A's start.
        keys = [r["idempotency_key"] for r in rows]
        assert sent == [("A", "alert_start", keys[0]), ("B", "alert_start", keys[2]),
                        ("A", "alert_start", keys[0]), ("A", "alert_end", keys[1])]
        after = _rows(app)
        assert [(r["status"], r["attempts"]) for r in after] == [
            ("delivered", 2), ("delivered", 1), ("delivered", 1)]
        assert all(r["sent_at"] is not None for r in after)
        assert {a["webhook_status"] for a in alice.get("/api/alerts").get_json()["items"]} == \
            {"delivered"}
        assert _send(app, attempts=3, allow_private=True) == 0
    finally:
        hook.close()


def test_a_delivery_that_keeps_failing_is_marked_failed_and_frees_its_zone(
        app, alice, quiet_sender):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    hook = Hook(failures=3)
    try:
        zone = alice.create_zone(name="A", threshold=3, webhook_url=hook.url)
        run = alice.create_run()
        _alerts(alice, run["id"], f"zone-{zone['id']}", 1)
        assert _send(app, attempts=3, allow_private=True) == 4
        assert [(r["status"], r["attempts"], r["last_result"]) for r in _rows(app)] == [
            ("failed", 3, "failed: HTTP 500"), ("delivered", 1, "delivered")]
        assert [c["headers"]["x-peoplecounter-event"] for c in hook.calls] == \
            ["alert_start"] * 3 + ["alert_end"]
    finally:
        hook.close()


def test_the_sender_still_refuses_private_targets(app, alice, quiet_sender):
    """SSRF: the target is vetted when each delivery is sent, not only when saved."""
    hook = Hook()
    try:
        app.config["WEBHOOK_ALLOW_PRIVATE"] = True   # saving the zone is allowed...
        zone = alice.create_zone(name="A", threshold=3, webhook_url=hook.url)
        run = alice.create_run()
        _alerts(alice, run["id"], f"zone-{zone['id']}", 1, end=False)
        assert _send(app, attempts=3, allow_private=False) == 1   # ...sending is not
        row = _rows(app)[0]
        assert row["status"] == "failed" and row["attempts"] == 1
        assert row["last_result"].startswith("failed: refused target")
        assert hook.calls == []
    finally:
        hook.close()


def test_a_claimed_row_is_skipped_by_other_senders_and_blocks_its_zone(app, alice, db_kind,
                                                                       quiet_sender):
    if db_kind != "mysql":
        pytest.skip("row locks: MariaDB (SQLite serves one process with one sender)")
    zone = alice.create_zone(name="A", threshold=3, webhook_url="https://hooks.example.com/x")
    other = alice.create_zone(name="B", threshold=3, webhook_url="https://hooks.example.com/y")
    run = alice.create_run()
    _alerts(alice, run["id"], f"zone-{zone['id']}", 1)
    _alerts(alice, run["id"], f"zone-{other['id']}", 2, end=False)
    first, second, third = (r["id"] for r in _rows(app))
    with app.app_context():
        engine = get_engine()
        with engine.begin() as holder:
            assert outbox_repo.claim(holder, first)["id"] == first
            with engine.begin() as rival:
                assert outbox_repo.claim(rival, first) is None          # skipped, not waited
                assert outbox_repo.due_heads(rival, utcnow()) == [first, third]
                assert outbox_repo.claim(rival, third)["id"] == third   # other zones go on
            with engine.connect() as rival:
                # The zone's second delivery is not due while its first is pending.
                assert second not in outbox_repo.due_heads(rival, utcnow())
