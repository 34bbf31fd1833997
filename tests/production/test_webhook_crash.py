"""Durable webhooks: an instance is killed (SIGKILL) while a delivery is in flight; after
a restart every delivery arrives, in order per zone, and only the one in flight at the
crash is sent again (with the same Idempotency-Key, so the receiver can drop it)."""
from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import sqlalchemy as sa

from backend.schema import webhook_outbox
from tests.production.conftest import Visitor, instance
from tools.production import wait_for

WAIT = 120


class Receiver:
    """Records every request; holds the `hold_at`-th until released."""

    def __init__(self, hold_at: int) -> None:
        self.calls: list[dict] = []
        self.in_flight = threading.Event()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                receiver.calls.append({"key": self.headers["Idempotency-Key"],
                                       "event": body["event"], "zone": body["zone"]["key"],
                                       "time": body["time"]})
                if len(receiver.calls) == hold_at:
                    receiver.in_flight.set()
                    receiver.release.wait(WAIT)
                try:
                    self.send_response(204)
                    self.end_headers()
                except OSError:
                    pass   # the sender is gone

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def _alert_events(zone_key: str, minutes: list[int]) -> list[dict]:
    events = []
    for minute in minutes:
        events += [{"ts": f"2026-03-01T10:{minute:02d}:00Z", "zone_key": zone_key,
                    "kind": "alert_start", "value": 5},
                   {"ts": f"2026-03-01T10:{minute:02d}:30Z", "zone_key": zone_key,
                    "kind": "alert_end", "value": 1}]
    return events


def test_deliveries_survive_a_kill_during_delivery(tmp_path, mariadb_url, servers):
    env = {"DATABASE_URL": mariadb_url, "SECRET_KEY": "crash-test",
           "WEBHOOK_ALLOW_PRIVATE": "true", "WEBHOOK_TIMEOUT_SECONDS": str(WAIT),
           "WEBHOOK_BACKOFF_SECONDS": "0.2", "WEBHOOK_POLL_SECONDS": "0.5",
           "SESSION_DIR": str(tmp_path / "sessions")}
    receiver = Receiver(hold_at=3)
    engine = sa.create_engine(mariadb_url)
    try:
        app = servers(instance(tmp_path, env, workers=1, threads=4))
        user = Visitor(app.url)
        user.register("alice")
        assert user.login("alice").status_code == 302
        keys = []
        for name in ("Queue", "Till"):
            zone = user.api("POST", "/api/zones", json={
                "name": name, "kind": "polygon", "camera_key": "door", "frame_width": 640,
                "frame_height": 480, "threshold": 3, "webhook_url": receiver.url,
                "geometry": {"points": [[10, 10], [200, 10], [200, 200], [10, 200]]}})
            assert zone.status_code == 201, zone.text[:300]
            keys.append(f"zone-{zone.json()['id']}")
        run = user.api("POST", "/api/runs", json={"client_run_id": uuid.uuid4().hex,
                                                  "source_kind": "webcam", "camera_key": "door"})
        # One batch per alert (start and end), as a client sends them: 10 deliveries.
        events = []
        for minute in range(1, 6):
            pair = _alert_events(keys[minute % 2 == 0], [minute])
            batch = user.api("POST", f"/api/runs/{run.json()['id']}/batches",
                             json={"batch_id": uuid.uuid4().hex, "samples": [], "events": pair})
            assert batch.status_code == 201, batch.text[:300]
            events += pair

        assert receiver.in_flight.wait(WAIT), "the third delivery never arrived"
        app.kill9()                       # mid-delivery: the receiver holds the request
        receiver.release.set()
        with engine.connect() as conn:    # the crash left deliveries pending
            assert conn.execute(sa.select(sa.func.count()).select_from(webhook_outbox)
                                .where(webhook_outbox.c.status == "pending")).scalar() >= 8
        app.start()                       # same port, same database

        def all_delivered() -> bool:
            app.answers_healthz()         # any request lets an instance pick up the outbox
            with engine.connect() as conn:
                statuses = conn.execute(sa.select(webhook_outbox.c.status)).scalars().all()
            return len(statuses) == 10 and set(statuses) == {"delivered"}

        wait_for(all_delivered, WAIT, "every delivery sent")
        with engine.connect() as conn:
            stored = conn.execute(sa.select(webhook_outbox.c.idempotency_key)
                                  .order_by(webhook_outbox.c.id)).scalars().all()
    finally:
        receiver.close()
        engine.dispose()

    calls = receiver.calls
    sent_keys = [call["key"] for call in calls]
    in_flight = calls[2]["key"]
    # Every delivery arrived; the only repeat is the one in flight at the crash, once.
    assert set(sent_keys) == set(stored) and len(calls) == len(stored) + 1
    assert [k for k in sent_keys if sent_keys.count(k) > 1] == [in_flight, in_flight]
    # In order per zone, counting each key once (what a receiver keyed on it processes).
    firsts = [call for index, call in enumerate(calls) if call["key"] not in sent_keys[:index]]
    for key in keys:
        got = [(c["event"], c["time"]) for c in firsts if c["zone"] == key]
        assert got == [(e["kind"], e["ts"].replace("Z", ".000Z"))
                       for e in events if e["zone_key"] == key]
        assert len(got) in (4, 6)
