"""Live counts as server-sent events: the first `counts` event at once, a new one after a
batch, heartbeats as comments, a bounded lifetime, and /api/live following the newest run."""
from __future__ import annotations

import json

import pytest

from backend.api import live as live_api
from tests.backend.conftest import sample


class StreamClock:
    """Stands in for the stream's `time`: sleep() advances monotonic() at once, so polls,
    heartbeats and the lifetime follow the stream's own steps, never the machine's speed."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def fast_live(app, monkeypatch):
    monkeypatch.setattr(live_api, "time", StreamClock())
    app.config.update(LIVE_POLL_SECONDS=0.05, LIVE_HEARTBEAT_SECONDS=0.1,
                      LIVE_MAX_SECONDS=5)
    return app


class Events:
    """Reads a text/event-stream response event by event."""

    def __init__(self, response) -> None:
        assert response.status_code == 200
        assert response.mimetype == "text/event-stream"
        self.response = response
        self.chunks = response.response if not hasattr(response, "iter_encoded") else \
            response.iter_encoded()
        self.buffer = ""
        self.comments = 0

    def next(self, kind: str) -> dict:
        while True:
            while "\n\n" not in self.buffer:
                self.buffer += next(self.chunks).decode()
            block, self.buffer = self.buffer.split("\n\n", 1)
            if block.startswith(":"):
                self.comments += 1
                continue
            lines = dict(line.split(": ", 1) for line in block.splitlines())
            if lines.get("event") == kind:
                return json.loads(lines["data"])

    def close(self):
        self.response.close()


def test_run_stream_sends_counts_now_and_after_each_batch(fast_live, alice):
    run = alice.create_run()
    alice.post_batch(run["id"], [sample("2026-03-01T10:00:00Z", "zone-a", occupancy=2,
                                        entries=2)])
    stream = Events(alice.get(f"/api/runs/{run['id']}/live", buffered=False))
    try:
        first = stream.next("counts")
        assert first["run_id"] == run["id"]
        assert first["zones"] == [{"zone_key": "zone-a", "zone_id": None, "occupancy": 2,
                                   "entries": 2, "exits": 0,
                                   "ts": "2026-03-01T10:00:00.000Z"}]
        alice.post_batch(run["id"], [sample("2026-03-01T10:00:05Z", "zone-a", occupancy=1,
                                            entries=1, exits=2),
                                     sample("2026-03-01T10:00:05Z", "frame", occupancy=6)])
        second = stream.next("counts")
        zones = {z["zone_key"]: z for z in second["zones"]}
        assert (zones["zone-a"]["occupancy"], zones["zone-a"]["entries"],
                zones["zone-a"]["exits"]) == (1, 3, 2)
        assert zones["frame"]["occupancy"] == 6
    finally:
        stream.close()


def test_stream_sends_heartbeats_and_ends(fast_live, alice):
    fast_live.config["LIVE_MAX_SECONDS"] = 0.5
    run = alice.create_run()
    response = alice.get(f"/api/runs/{run['id']}/live", buffered=False)
    text = b"".join(response.iter_encoded()).decode()
    assert text.startswith("retry: ")
    assert "event: counts" in text and ": heartbeat" in text
    assert text.rstrip().endswith("reconnect")
    # 0.5 s of 0.05 s polls: one counts event, then a heartbeat every 0.1 s of silence.
    assert text.count("event: counts") == 1
    assert 3 <= text.count(": heartbeat") <= 5


def test_latest_stream_follows_the_newest_run(fast_live, alice, bob):
    assert alice.get("/api/live").status_code == 404
    old = alice.create_run()
    stream = Events(alice.get("/api/live", buffered=False))
    try:
        assert stream.next("run") == {"run_id": old["id"]}
        assert stream.next("counts") == {"run_id": old["id"], "zones": []}
        new = alice.create_run()
        alice.post_batch(new["id"], [sample("2026-03-01T10:00:00Z", "frame", occupancy=9)])
        assert stream.next("run") == {"run_id": new["id"]}
        counts = stream.next("counts")
        assert counts["run_id"] == new["id"] and counts["zones"][0]["occupancy"] == 9
    finally:
        stream.close()
    assert bob.get("/api/live").status_code == 404


def test_one_user_holds_at_most_a_few_live_streams_per_process(fast_live, alice, bob):
    """Each open stream holds a worker thread for minutes: sixteen dashboard tabs of one
    user (two gthread workers of eight threads) left no thread to answer anyone else."""
    from backend.api.live import stream_slots

    fast_live.config["LIVE_MAX_STREAMS_PER_USER"] = 2
    run = alice.create_run()
    first = Events(alice.get(f"/api/runs/{run['id']}/live", buffered=False))
    second = Events(alice.get("/api/live", buffered=False))
    third = alice.get(f"/api/runs/{run['id']}/live", buffered=False)
    assert third.status_code == 429
    assert third.get_json() == {
        "error": "too_many_live_views",
        "message": "At most 2 live views of one account are open at once here: close another "
                   "dashboard tab or second screen."}
    # Another user is not held back; a stream closed gives its slot back.
    bob_run = bob.create_run()
    Events(bob.get(f"/api/runs/{bob_run['id']}/live", buffered=False)).close()
    first.next("counts")
    first.close()
    again = Events(alice.get(f"/api/runs/{run['id']}/live", buffered=False))
    again.close()
    second.close()   # never read: its slot comes back all the same
    assert stream_slots(fast_live).open_for(alice.id) == 0
    assert stream_slots(fast_live).open_for(bob.id) == 0
