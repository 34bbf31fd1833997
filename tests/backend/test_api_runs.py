"""Runs and idempotent ingestion: re-sent batches change nothing, invalid batches are
rejected whole, concurrent identical batches are stored once, per-user authorisation."""
from __future__ import annotations

import threading
import uuid

import pytest

from backend.schema import count_events, count_samples, ingest_batches, runs
from tests.backend.conftest import ApiUser, make_user, sample, table_count

T0 = "2026-03-01T10:00:00Z"


def stored(app) -> tuple[int, int, int]:
    return (table_count(app, ingest_batches), table_count(app, count_samples),
            table_count(app, count_events))


def test_create_run_is_idempotent_on_client_run_id(app, alice):
    body = {"client_run_id": "cam-2026-03-01", "source_kind": "webcam",
            "camera_key": "front-door", "label": "Morning"}
    first = alice.post("/api/runs", json=body)
    assert first.status_code == 201
    run = first.get_json()
    assert first.headers["Location"].endswith(f"/api/runs/{run['id']}")
    assert run["started_at"].endswith("Z") and run["ended_at"] is None
    assert run["stats_url"] == f"/api/runs/{run['id']}/stats"
    again = alice.post("/api/runs", json=body)
    assert again.status_code == 200 and again.get_json()["id"] == run["id"]
    assert table_count(app, runs) == 1


def test_video_run_needs_an_owned_video(app, alice, bob):
    missing = alice.post("/api/runs", json={"client_run_id": "r1", "source_kind": "video"})
    assert missing.status_code == 422 and "video_id" in missing.get_json()["fields"]
    import io
    video = alice.post("/api/videos", data={"file": (io.BytesIO(
        b"RIFF\x00\x00\x00\x00AVI " + b"x" * 40), "a.avi")},
        content_type="multipart/form-data").get_json()
    stolen = bob.post("/api/runs", json={"client_run_id": "r1", "source_kind": "video",
                                         "video_id": video["id"]})
    assert stolen.status_code == 422 and "video_id" in stolen.get_json()["fields"]
    ok = alice.post("/api/runs", json={"client_run_id": "r1", "source_kind": "video",
                                       "video_id": video["id"]})
    assert ok.status_code == 201 and ok.get_json()["video_id"] == video["id"]
    listed = alice.get(f"/api/runs?video_id={video['id']}").get_json()
    assert [r["id"] for r in listed["items"]] == [ok.get_json()["id"]]
    assert table_count(app, runs) == 1


def test_list_get_and_end_a_run(alice):
    first, second = alice.create_run(), alice.create_run()
    listed = alice.get("/api/runs?per_page=1").get_json()
    assert listed["total"] == 2 and listed["items"][0]["id"] == second["id"]
    ended = alice.patch(f"/api/runs/{first['id']}", json={"ended": True, "label": "Done"})
    assert ended.status_code == 200
    assert ended.get_json()["ended_at"].endswith("Z") and ended.get_json()["label"] == "Done"
    assert alice.get(f"/api/runs/{first['id']}").get_json() == ended.get_json()
    reopened = alice.patch(f"/api/runs/{first['id']}", json={"ended": False}).get_json()
    assert reopened["ended_at"] is None
    bad = alice.patch(f"/api/runs/{first['id']}", json={"ended": "maybe"})
    assert bad.status_code == 422 and "ended" in bad.get_json()["fields"]



def test_last_batch_ends_the_run_once(app, alice, bob):
    """A page closed while counting sends its last batch with ends_run: stored and the run
    ended in one request; a re-send of it (the queue's copy) changes nothing, not even a
    reopened run; another user's run is not touched."""
    run = alice.create_run()
    rid = run["id"]
    plain = alice.post(f"/api/runs/{rid}/batches", json={
        "batch_id": str(uuid.uuid4()), "samples": [sample(T0, occupancy=1)]})
    assert plain.status_code == 201 and alice.get(f"/api/runs/{rid}").get_json()["ended_at"] is None
    last = {"batch_id": str(uuid.uuid4()), "samples": [sample("2026-03-01T10:00:05Z")],
            "ends_run": True}
    assert bob.post(f"/api/runs/{rid}/batches", json=last).status_code == 404
    assert alice.get(f"/api/runs/{rid}").get_json()["ended_at"] is None
    assert alice.post(f"/api/runs/{rid}/batches", json=last).status_code == 201
    ended = alice.get(f"/api/runs/{rid}").get_json()["ended_at"]
    assert ended is not None and stored(app)[:2] == (2, 2)
    alice.patch(f"/api/runs/{rid}", json={"ended": False})
    again = alice.post(f"/api/runs/{rid}/batches", json=last)
    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    assert alice.get(f"/api/runs/{rid}").get_json()["ended_at"] is None
    bad = alice.post(f"/api/runs/{rid}/batches", json={**last, "batch_id": str(uuid.uuid4()),
                                                       "ends_run": "soon"})
    assert bad.status_code == 422 and "ends_run" in bad.get_json()["fields"]

def test_batch_is_stored_once(app, alice):
    run = alice.create_run()
    batch_id = str(uuid.uuid4())
    samples = [sample(T0, "zone-x", occupancy=2, entries=2),
               sample("2026-03-01T10:00:01+01:00", "frame", occupancy=3)]
    events = [{"ts": T0, "zone_key": "line-1", "kind": "in", "track_id": 4},
              {"ts": T0, "zone_key": "zone-x", "kind": "leave", "dwell_s": 3.5}]
    first = alice.post_batch(run["id"], samples, events, batch_id)
    assert first.status_code == 201
    assert first.get_json() == {"batch_id": batch_id, "duplicate": False, "samples": 2,
                                "events": 2}
    assert stored(app) == (1, 2, 2)
    again = alice.post_batch(run["id"], samples, events, batch_id)
    assert again.status_code == 200
    assert again.get_json() == {"batch_id": batch_id, "duplicate": True, "samples": 2,
                                "events": 2}
    changed_body = alice.post_batch(run["id"], samples[:1], [], batch_id)
    assert changed_body.status_code == 200 and changed_body.get_json()["duplicate"] is True
    assert stored(app) == (1, 2, 2)


def test_batch_id_of_another_run_conflicts(app, alice):
    one, two = alice.create_run(), alice.create_run()
    batch_id = str(uuid.uuid4())
    alice.post_batch(one["id"], [sample(T0)], [], batch_id)
    response = alice.post_batch(two["id"], [sample(T0)], [], batch_id)
    assert response.status_code == 409 and "batch_id" in response.get_json()["fields"]
    assert stored(app) == (1, 1, 0)


INVALID = [
    ({"samples": [{"ts": "yesterday", "zone_key": "z", "occupancy": 1, "entries": 0,
                   "exits": 0}]}, ("samples", "0", "ts")),
    ({"samples": [{"ts": T0, "zone_key": "z", "occupancy": -1, "entries": 0,
                   "exits": 0}]}, ("samples", "0", "occupancy")),
    ({"samples": [{"ts": T0, "zone_key": "z", "occupancy": 1, "entries": "2",
                   "exits": 0}]}, ("samples", "0", "entries")),
    ({"samples": [{"ts": T0, "zone_key": "bad key!", "occupancy": 1, "entries": 0,
                   "exits": 0}]}, ("samples", "0", "zone_key")),
    ({"samples": [{"ts": "1900-01-01T00:00:00Z", "zone_key": "z", "occupancy": 1,
                   "entries": 0, "exits": 0}]}, ("samples", "0", "ts")),
    ({"events": [{"ts": T0, "zone_key": "z", "kind": "teleport"}]}, ("events", "0", "kind")),
    ({"events": [{"ts": T0, "zone_key": "z", "kind": "leave", "dwell_s": -3}]},
     ("events", "0", "dwell_s")),
    ({"events": [{"ts": T0, "zone_key": "z", "kind": "in", "color": "red"}]},
     ("events", "0", "color")),
    ({"samples": [{"ts": T0, "zone_key": "z\n", "occupancy": 1, "entries": 0,
                   "exits": 0}]}, ("samples", "0", "zone_key")),
    ({"batch_id": ""}, ("batch_id",)),
    ({"batch_id": "b\n"}, ("batch_id",)),
    ({"samples": "many"}, ("samples",)),
]


@pytest.mark.parametrize("change, path", INVALID, ids=["/".join(p) for _, p in INVALID])
def test_invalid_batch_is_rejected_whole(app, alice, change, path):
    run = alice.create_run()
    good = [sample(T0, "zone-a", occupancy=1), sample(T0, "zone-b", occupancy=2)]
    body = {"batch_id": str(uuid.uuid4()), "samples": good, "events": [], **change}
    if "samples" in change and isinstance(change["samples"], list):
        body["samples"] = good + change["samples"]
        path = (path[0], str(len(good) + int(path[1])), *path[2:])
    response = alice.post(f"/api/runs/{run['id']}/batches", json=body)
    assert response.status_code == 422, response.get_json()
    node = response.get_json()["fields"]
    for key in path:
        assert key in node, (path, response.get_json()["fields"])
        node = node[key]
    assert stored(app) == (0, 0, 0)


def test_zone_ids_must_be_the_users(app, alice, bob):
    zone = alice.create_zone()
    run = bob.create_run()
    response = bob.post_batch(run["id"], [sample(T0, "zone-a", zone_id=zone["id"])])
    assert response.status_code == 422
    assert response.get_json()["fields"] == {"samples": {"0": {"zone_id": ["No such zone."]}}}
    assert stored(app) == (0, 0, 0)


def test_saved_zone_keys_are_linked_to_the_zone(alice):
    zone = alice.create_zone(name="Till")
    run = alice.create_run()
    alice.post_batch(run["id"], [sample(T0, f"zone-{zone['id']}", occupancy=4, entries=4)])
    stats = alice.get(f"/api/runs/{run['id']}/stats").get_json()
    assert stats["zones"][0]["zone_id"] == zone["id"] and stats["zones"][0]["name"] == "Till"


def test_another_users_zone_key_is_not_linked(alice, bob):
    zone = alice.create_zone(name="Till")
    run = bob.create_run()
    response = bob.post_batch(run["id"], [sample(T0, f"zone-{zone['id']}", occupancy=4)])
    assert response.status_code == 201
    stats = bob.get(f"/api/runs/{run['id']}/stats").get_json()
    assert stats["zones"][0]["zone_id"] is None and stats["zones"][0]["name"] != "Till"


def test_concurrent_identical_batches_are_stored_once(app):
    users = [make_user(app, "carol")]
    run = users[0].create_run()
    batch_id = str(uuid.uuid4())
    samples = [sample(T0, f"zone-{i}", occupancy=i, entries=1) for i in range(50)]
    answers, barrier = [], threading.Barrier(4)

    def post():
        client = ApiUser(app, users[0].id, users[0].token, "carol")
        barrier.wait()
        answers.append(client.post_batch(run["id"], samples, [], batch_id))

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200, 200, 200, 201], [a.get_json() for a in answers]
    assert sum(a.get_json()["duplicate"] for a in answers) == 3
    assert stored(app) == (1, 50, 0)


def test_another_users_run_is_not_found(app, alice, bob):
    run = alice.create_run()
    alice.post_batch(run["id"], [sample(T0, occupancy=1)])
    rid = run["id"]
    for path in (f"/api/runs/{rid}", f"/api/runs/{rid}/stats", f"/api/runs/{rid}/export.csv",
                 f"/api/runs/{rid}/charts/cumulative.png", f"/api/runs/{rid}/live"):
        assert bob.get(path).status_code == 404, path
    assert bob.patch(f"/api/runs/{rid}", json={"ended": True}).status_code == 404
    assert bob.post_batch(rid, [sample(T0)]).status_code == 404
    assert bob.get("/api/runs").get_json()["total"] == 0
    assert stored(app) == (1, 1, 0)
    assert alice.get(f"/api/runs/{rid}").get_json()["ended_at"] is None


FAST_PATH_CASES = [
    {"batch_id": "b1", "samples": [sample(T0, "zone-a", occupancy=1)], "events": []},
    {"batch_id": "b2", "samples": [sample("2026-03-01T10:00:00.123456+05:30", "z",
                                          zone_id=3)]},
    {"batch_id": "b3", "events": [{"ts": T0, "zone_key": "l", "kind": "leave", "dwell_s": 2,
                                   "track_id": -1, "value": None}]},
    {"batch_id": "b4", "samples": [sample("2026-03-01T10:00:00", "naive-time")]},
    {"batch_id": "b5", "samples": [sample("2026-03-01T10:00:00+0100", "compact-offset")]},
    {"batch_id": "b6", "samples": [sample(T0, "z", occupancy=True)]},
    {"batch_id": "b7", "samples": [sample(T0, "z", occupancy=2.0)]},
    {"batch_id": "b8", "events": [{"ts": T0, "zone_key": "l", "kind": "in",
                                   "dwell_s": float("nan")}]},
    {"batch_id": "b9", "samples": [], "events": [], "extra": 1},
    # The protocol's edges: a key with a trailing newline, the track-id and dwell bounds.
    {"batch_id": "b10", "samples": [sample(T0, "zone-a\n")]},
    {"batch_id": "b11\n"},
    {"batch_id": "b12", "events": [{"ts": T0, "zone_key": "l", "kind": "in",
                                    "track_id": 2**31 - 1, "dwell_s": 10 * 365 * 86400}]},
    {"batch_id": "b13", "events": [{"ts": T0, "zone_key": "l", "kind": "in",
                                    "track_id": 2**31}]},
    {"batch_id": "b14", "events": [{"ts": T0, "zone_key": "l", "kind": "leave",
                                    "dwell_s": 10 * 365 * 86400 + 1}]},
    # Times the fast path's pattern lets through but no calendar has (found by the API fuzzer).
    {"batch_id": "b18", "samples": [sample("2026-03-01T10:61:00Z", "z")]},
    {"batch_id": "b19", "samples": [sample("2026-02-30T10:00:00Z", "z")]},
    # The last batch of a run (a boolean only; marshmallow also takes "true" and 1).
    {"batch_id": "b15", "ends_run": True},
    {"batch_id": "b16", "ends_run": "true"},
    {"batch_id": "b17", "ends_run": 1},
    ["not", "an", "object"],
]


@pytest.mark.parametrize("body", FAST_PATH_CASES)
def test_fast_batch_reader_agrees_with_the_schema(body):
    import marshmallow as ma

    from backend.api.batch_parser import read_batch
    from backend.api.runs import BatchSchema
    from backend.errors import ApiError

    try:
        expected = BatchSchema().load(body)
    except ma.ValidationError as exc:
        expected = exc.messages
    try:
        got = read_batch(body, BatchSchema())
    except ApiError as exc:
        got = exc.fields
    assert got == expected


def _camera(user, name: str = "Door") -> dict:
    response = user.post("/api/cameras", json={"name": name, "url": "rtsp://10.0.0.5/s"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _shape(run: dict) -> dict:
    """A run's answer without what differs from run to run anyway."""
    return {k: v for k, v in run.items()
            if k not in ("id", "client_run_id", "started_at", "last_seen_at", "stats_url",
                         "live_url")}


def test_a_run_of_another_users_camera_links_to_no_camera_and_tells_nothing(alice, bob):
    """A run for "ipcam:<id>" of bob's camera is kept (counts queued offline are never
    dropped) but stored with no camera, exactly as for an id nobody has: alice cannot tell
    whether bob's camera exists, and nothing of hers is ever filed under his camera."""
    bobs = _camera(bob)
    missing_id = bobs["id"] + 1000
    answers = {}
    for key in (bobs["camera_key"], f"ipcam:{missing_id}", f"IPCAM:{bobs['id']}",
                f"ipcam:0{bobs['id']}"):
        response = alice.post("/api/runs", json={"client_run_id": uuid.uuid4().hex,
                                                 "source_kind": "ipcam", "camera_key": key,
                                                 "label": "Door"})
        assert response.status_code == 201, key
        assert response.get_json()["camera_key"] is None, key
        answers[key] = _shape(response.get_json())
        run_id = response.get_json()["id"]
        assert alice.post_batch(run_id, [sample(T0, "zone-a", occupancy=1)]).status_code == 201
    assert len({repr(sorted(answer.items())) for answer in answers.values()}) == 1
    listed = alice.get(f"/api/runs?camera_key={bobs['camera_key']}").get_json()
    assert listed["total"] == 0 and listed["items"] == []
    assert bob.get(f"/api/runs?camera_key={bobs['camera_key']}").get_json()["total"] == 0


def test_a_run_of_the_users_own_camera_is_filed_under_it_in_one_spelling(alice):
    mine = _camera(alice)
    for key in (mine["camera_key"], f"IPCAM:{mine['id']}", f"ipcam:00{mine['id']}"):
        run = alice.create_run(source_kind="ipcam", camera_key=key)
        assert run["camera_key"] == mine["camera_key"], key
    assert alice.get(f"/api/runs?camera_key={mine['camera_key']}").get_json()["total"] == 3
    assert alice.create_run(camera_key="front-door")["camera_key"] == "front-door"


def test_counts_queued_for_a_camera_deleted_since_are_kept(alice):
    """The monitor queues a run and its batches offline; the camera may be deleted before
    they reach the server. The run is created (no camera) and its counts are stored."""
    mine = _camera(alice)
    assert alice.delete(f"/api/cameras/{mine['id']}").status_code == 204
    run = alice.create_run(source_kind="ipcam", camera_key=mine["camera_key"], label="Door")
    assert run["camera_key"] is None and run["label"] == "Door"
    posted = alice.post_batch(run["id"], [sample(T0, "zone-a", occupancy=2, entries=2)])
    assert posted.status_code == 201 and posted.get_json()["samples"] == 1
