"""Zones: create, read, update, delete per video or camera; geometry validation; saved zones
load back identically; per-user authorisation."""
from __future__ import annotations

import io

import pytest

from backend.schema import zones
from tests.backend.conftest import table_count

FRAME = {"frame_width": 640, "frame_height": 480}
POLYGON = {"name": "Entrance", "kind": "polygon", "camera_key": "front-door", **FRAME,
           "geometry": {"points": [[10, 10], [200.5, 10], [200, 200], [10, 200]]},
           "color": "#0F766E", "threshold": 10, "hold_seconds": 5, "end_hold_seconds": 4,
           "webhook_url": None}
LINE = {"name": "Door line", "kind": "line", "camera_key": "front-door", **FRAME,
        "geometry": {"points": [[0, 240], [640, 240]], "flipped": True}}
BAND = {"name": "Corridor", "kind": "band", "camera_key": "front-door", **FRAME,
        "geometry": {"points": [[100, 0], [100, 480]], "width": 40, "flipped": False},
        "threshold": None, "hold_seconds": 0}


def _without_server_fields(zone: dict) -> dict:
    return {k: v for k, v in zone.items()
            if k not in ("id", "created_at", "updated_at", "webhook_secret", "video_id")}


@pytest.mark.parametrize("body", [POLYGON, LINE, BAND], ids=["polygon", "line", "band"])
def test_saved_zone_loads_back_identically(alice, body):
    response = alice.post("/api/zones", json=body)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert response.headers["Location"].endswith(f"/api/zones/{created['id']}")
    loaded = alice.get(f"/api/zones/{created['id']}").get_json()
    assert loaded == created
    expected = {"color": "#0f766e", "threshold": None, "hold_seconds": 0.0,
                "end_hold_seconds": 0.0,
                "webhook_url": None, **body}
    if body["kind"] == "line" or body["kind"] == "band":
        expected["geometry"] = {"flipped": False, **body["geometry"]}
    assert _without_server_fields(loaded) == expected
    assert loaded["created_at"].endswith("Z")


def test_list_by_video_or_camera(alice):
    video = alice.post("/api/videos", data={"file": (io.BytesIO(
        b"RIFF\x00\x00\x00\x00AVI " + b"x" * 40), "a.avi")},
        content_type="multipart/form-data").get_json()
    on_video = alice.create_zone(video_id=video["id"], camera_key=None)
    on_camera = alice.create_zone(camera_key="front-door")
    alice.create_zone(camera_key="back-door")
    by_video = alice.get(f"/api/zones?video_id={video['id']}").get_json()["items"]
    by_camera = alice.get("/api/zones?camera_key=front-door").get_json()["items"]
    assert [z["id"] for z in by_video] == [on_video["id"]]
    assert [z["id"] for z in by_camera] == [on_camera["id"]]
    assert len(alice.get("/api/zones").get_json()["items"]) == 3
    # Deleting the video deletes its zones.
    alice.delete(f"/api/videos/{video['id']}")
    assert alice.get(f"/api/zones/{on_video['id']}").status_code == 404


def test_update_replaces_the_zone(alice):
    zone = alice.create_zone()
    changed = {**POLYGON, "name": "Exit", "kind": "line",
               "geometry": {"points": [[5, 5], [50, 60]], "flipped": False},
               "webhook_url": "https://hooks.example.com/alert"}
    response = alice.put(f"/api/zones/{zone['id']}", json=changed)
    assert response.status_code == 200, response.get_json()
    updated = response.get_json()
    assert (updated["name"], updated["kind"]) == ("Exit", "line")
    assert updated["geometry"] == changed["geometry"]
    assert updated["webhook_secret"] and len(updated["webhook_secret"]) == 40
    again = alice.put(f"/api/zones/{zone['id']}", json=changed).get_json()
    assert again["webhook_secret"] == updated["webhook_secret"]
    assert alice.get(f"/api/zones/{zone['id']}").get_json() == again


def test_a_put_without_webhook_url_keeps_the_zones_webhook(alice):
    """The monitor saves every zone (a PUT) with the shapes it loaded; a webhook added on the
    Webhooks page in the meantime was undone by it. Left out, the webhook stays; null
    removes it."""
    zone = alice.create_zone(threshold=4)
    hooked = alice.put(f"/api/zones/{zone['id']}/webhook",
                       json={"url": "https://hooks.example.com/a"}).get_json()
    body = {key: value for key, value in zone.items()
            if key in POLYGON or key in ("camera_key", "threshold")}
    body.pop("webhook_url", None)
    moved = alice.put(f"/api/zones/{zone['id']}", json={**body, "name": "Moved"}).get_json()
    assert moved["name"] == "Moved"
    assert (moved["webhook_url"], moved["webhook_secret"]) == ("https://hooks.example.com/a",
                                                               hooked["secret"])
    cleared = alice.put(f"/api/zones/{zone['id']}", json={**body, "webhook_url": None}).get_json()
    assert (cleared["webhook_url"], cleared["webhook_secret"]) == (None, None)
    created = alice.create_zone(name="New")
    assert (created["webhook_url"], created["webhook_secret"]) == (None, None)


def test_delete(app, alice):
    zone = alice.create_zone()
    assert alice.delete(f"/api/zones/{zone['id']}").status_code == 204
    assert alice.get(f"/api/zones/{zone['id']}").status_code == 404
    assert table_count(app, zones) == 0


BAD = [
    ({"geometry": {"points": [[0, 0], [10, 10]]}}, "geometry", "3 to"),
    ({"geometry": {"points": [[0, 0], [10, 10], [20, 20]]}}, "geometry", "no area"),
    ({"geometry": {"points": [[0, 0], [700, 10], [20, 200]]}}, "geometry", "inside"),
    ({"geometry": {"points": [[0, -1], [70, 10], [20, 200]]}}, "geometry", "inside"),
    ({"geometry": {"points": "nope"}}, "geometry", "pairs"),
    ({"geometry": {"points": [[0, 0, 1], [70, 10], [20, 200]]}}, "geometry", "pairs"),
    ({"kind": "line", "geometry": {"points": [[5, 5], [5, 5]]}}, "geometry", "differ"),
    ({"kind": "line", "geometry": {"points": [[5, 5], [6, 6], [7, 9]]}}, "geometry", "two"),
    ({"kind": "line", "geometry": {"points": [[5, 5], [6, 6]], "flipped": "yes"}},
     "geometry", "true or false"),
    ({"kind": "band", "geometry": {"points": [[5, 5], [60, 6]], "width": 0}},
     "geometry", "width"),
    ({"kind": "band", "geometry": {"points": [[5, 5], [60, 6]]}}, "geometry", "width"),
    # Too wide is not "needs a width greater than 0": the message gives the bound.
    ({"kind": "band", "geometry": {"points": [[5, 5], [60, 6]], "width": 100000}},
     "geometry", "at most 1280 pixels"),
    ({"kind": "polygon", "geometry": {"points": [[1, 1], [9, 1], [5, 9]], "width": 3}},
     "geometry", "no width"),
    ({"kind": "circle"}, "kind", "one of"),
    ({"name": ""}, "name", "Length"),
    ({"name": "x" * 81}, "name", "Length"),
    ({"color": "teal"}, "color", "#0f766e"),
    ({"color": "#12345"}, "color", "#0f766e"),
    ({"threshold": 0}, "threshold", "greater than or equal to 1"),
    ({"threshold": 2.5}, "threshold", "integer"),
    ({"hold_seconds": -1}, "hold_seconds", "greater than or equal to 0"),
    ({"hold_seconds": 3601}, "hold_seconds", "less than or equal to 3600"),
    ({"end_hold_seconds": -0.5}, "end_hold_seconds", "greater than or equal to 0"),
    ({"end_hold_seconds": 3601}, "end_hold_seconds", "less than or equal to 3600"),
    ({"end_hold_seconds": "NaN"}, "end_hold_seconds", ""),
    ({"webhook_url": "ftp://example.com/x"}, "webhook_url", "http"),
    ({"webhook_url": "javascript:alert(1)"}, "webhook_url", "http"),
    ({"webhook_url": "http://127.1/"}, "webhook_url", "loopback address 127.0.0.1"),
    ({"frame_width": 0}, "frame_width", "greater than or equal to 1"),
    ({"camera_key": None}, "video_id", "exactly one"),
    ({"video_id": 5}, "video_id", "exactly one"),
    ({"extra": 1}, "extra", "Unknown field"),
]


@pytest.mark.parametrize("change, field, message", BAD,
                         ids=[f"{i}-{b[1]}" for i, b in enumerate(BAD)])
def test_invalid_zone_is_refused_with_the_field(app, alice, change, field, message):
    response = alice.post("/api/zones", json={**POLYGON, **change})
    assert response.status_code == 422, response.get_json()
    fields = response.get_json()["fields"]
    assert field in fields, fields
    assert message.lower() in " ".join(map(str, fields[field])).lower(), fields
    assert table_count(app, zones) == 0


def test_zone_on_unknown_video_is_refused(app, alice):
    response = alice.post("/api/zones", json={**POLYGON, "camera_key": None, "video_id": 42})
    assert response.status_code == 422 and "video_id" in response.get_json()["fields"]
    assert table_count(app, zones) == 0


def test_another_users_zone_is_not_found(app, alice, bob):
    zone = alice.create_zone()
    path = f"/api/zones/{zone['id']}"
    assert bob.get(path).status_code == 404
    assert bob.put(path, json=POLYGON).status_code == 404
    assert bob.delete(path).status_code == 404
    assert bob.get("/api/zones").get_json()["items"] == []
    video = alice.post("/api/videos", data={"file": (io.BytesIO(
        b"RIFF\x00\x00\x00\x00AVI " + b"x" * 40), "a.avi")},
        content_type="multipart/form-data").get_json()
    assert bob.get(f"/api/zones?video_id={video['id']}").status_code == 404
    stolen = bob.post("/api/zones", json={**POLYGON, "camera_key": None,
                                          "video_id": video["id"]})
    assert stolen.status_code == 422
    assert alice.get(path).get_json() == zone and table_count(app, zones) == 1
